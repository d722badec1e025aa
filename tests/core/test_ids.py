import pytest

from dichvucong.core.ids import id_from_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("0", 0),
        ("9223372036854775807", 2**63 - 1),
        ("9223372036854775808", None),  # beyond a database integer
        ("\u00b2", None),  # a superscript two: isdigit() yes, int() no
        ("\u0663", None),  # an Arabic-Indic three: int() would take it
        (" 5", None),
        ("+5", None),
        ("-1", None),
        ("", None),
        (None, None),
    ],
)
def test_an_id_is_ascii_digits_within_a_database_integer(text, expected):
    assert id_from_text(text) == expected
