"""Hotline assistant against human trafficking: triage, gateway, case store and CLI."""

LANGUAGES = ("da", "en", "th", "pcm")
INTENTS = (
    "greet", "goodbye", "thank", "affirm", "deny", "emergency", "seek_help",
    "report_suspicion", "ask_rights", "ask_confidentiality", "ask_human",
    "choose_language", "out_of_scope",
)
URGENCIES = ("emergency", "high", "normal", "low")
ROLES = ("victim", "third_party", "landlord", "employer", "professional", "buyer", "unknown")
INDICATORS = (
    "deception", "documents_confiscated", "debt_bondage", "withheld_wages",
    "restricted_movement", "threats", "violence", "excessive_hours",
    "poor_living_conditions", "forced_activities", "minor",
)
EXPLOITATION = ("sexual", "labour", "criminal", "begging", "domestic", "unknown")
RIGHTS_TOPICS = (
    "reflection_period", "accommodation", "health_care", "legal_aid", "residence",
    "return_home", "compensation", "police_report", "non_punishment", "children",
    "work_rights", "contact_cmm",
)
# What writers say about themselves, which rights answers follow (not a contract label).
SITUATIONS = ("legal_residence", "no_legal_residence", "eu_citizen", "child")
# Cues whose combination shows danger now (bot/danger.py), found by the "danger" section of bot/rules/<lang>.yml.
DANGER_CUES = (
    "threat", "near_time", "now", "past", "self_harm", "overdose", "medical",
    "taken", "against_will", "held", "violence", "child", "joke",
)
