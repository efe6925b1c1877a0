import io

from bot.cli import read_messages
from bot.triage import TriageInputError


def read(data: bytes):
    return list(read_messages(io.BytesIO(data)))


def test_plain_lines_and_json_lines():
    rows = read(b'hello\n{"text": "my boss took my passport", "id": 7}\n')
    assert rows[0] == ("hello", {})
    assert rows[1] == ("my boss took my passport", {"id": 7})


def test_bad_lines_become_errors_in_place():
    rows = read(b'ok\n\xff\xfe bad\n{"id": 1}\n{not json\n')
    assert rows[0] == ("ok", {})
    assert isinstance(rows[1][0], TriageInputError) and "UTF-8" in str(rows[1][0])
    assert isinstance(rows[2][0], TriageInputError) and "text" in str(rows[2][0])
    assert rows[3] == ("{not json", {})


def test_last_line_without_newline_and_windows_line_ends():
    assert [text for text, _ in read(b"a\r\nb")] == ["a", "b"]
