"""Danger now from the structure of a message: cues that together mean 112.

The emergency phrases of ``bot/rules/<lang>.yml`` catch fixed ways of saying
danger ("he has a knife"). People also put it in words no phrase foresaw, and
what those messages share is a structure: a threat with a near time ("... when
he comes back"), self-harm or an overdose, being taken somewhere against one's
will, being held right now, a medical emergency, a child with any of these.
The ``danger`` section of each rules file names the cues in its language; this
module alone decides which combinations are danger now, and which are only a
sign that the conversation must ask "are you in danger right now?". Laughter
("lol", "555") marks hyperbole and silences the structure (not the phrases).
"""

from __future__ import annotations

from dataclasses import dataclass

# Each alone is danger now, unless the message places it in the past or laughs it off.
ACUTE_ALONE = ("self_harm", "overdose", "medical")
# Each is danger now together with a cue that it is happening this minute or within hours.
NEEDS_TIME = ("threat", "violence", "held", "taken")
TIME_CUES = ("near_time", "now")
# Taken away or held against the will: no time word is needed ("they are driving me, i dont know where").
AGAINST_WILL_ENOUGH = ("taken", "held")
# A child with these is in immediate danger even without a time word.
CHILD_ENOUGH = ("taken", "held", "violence")


@dataclass(frozen=True)
class DangerReading:
    """What the danger cues of one message add up to.

    :param emergency: danger now: the reply gives 112 first
    :param cue: signs of danger that do not reach ``emergency``: the conversation asks
    :param reason: the combination that decided, e.g. ``threat+near_time``
    """

    emergency: bool
    cue: bool
    reason: str | None = None


NO_DANGER = DangerReading(False, False)


def read_danger(cues: set[str] | frozenset[str], phrase: bool = False) -> DangerReading:
    """Whether the danger cues found in one message mean danger now, a reason to ask, or nothing.

    :param cues: labels of the ``danger`` rule layer found in the message
    :param phrase: an emergency phrase matched too
    """
    timed = [t for t in TIME_CUES if t in cues]
    if phrase:
        # a whole emergency phrase is danger now, unless the message places it in the past or laughs;
        # then it is not dropped but asked about
        settled = [c for c in ("past", "joke") if c in cues]
        if settled and not timed:
            return DangerReading(False, True, f"phrase+{settled[0]}")
        return DangerReading(True, True, "phrase")
    signs = [c for c in ACUTE_ALONE + NEEDS_TIME if c in cues]
    if not signs:
        return NO_DANGER
    if "joke" in cues:
        # "my boss will kill me tonight lol": hyperbole is no reason to ask
        return NO_DANGER
    if "past" in cues and not timed:
        # "I took pills last year": danger that is over is a case for a person the same day, and the chat asks
        return DangerReading(False, True, f"{signs[0]}+past")
    for sign in ACUTE_ALONE:
        if sign in cues:
            return DangerReading(True, True, sign)
    for sign in NEEDS_TIME:
        # a threat is danger now only with a near time: "now" beside a threat is mostly about something else
        usable = [t for t in timed if sign != "threat" or t == "near_time"]
        if sign in cues and usable:
            return DangerReading(True, True, f"{sign}+{usable[0]}")
    for sign in AGAINST_WILL_ENOUGH:
        if sign in cues and "against_will" in cues:
            return DangerReading(True, True, f"{sign}+against_will")
    if "child" in cues:
        for sign in CHILD_ENOUGH:
            if sign in cues:
                return DangerReading(True, True, f"child+{sign}")
    return DangerReading(False, True, signs[0])
