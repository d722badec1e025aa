# Vietnamese formats beyond Django's own: Django's "vi" locale defines no input formats, so forms
# would read 02/09/2026 month first. Vietnamese write the day first, with slashes on paper forms.
DATE_FORMAT = r"\N\gà\y d \t\há\n\g n \nă\m Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 02/09/2026
    "%d-%m-%Y",  # 02-09-2026
    "%d.%m.%Y",  # 02.09.2026
    "%Y-%m-%d",  # 2026-09-02 (ISO, what <input type="date"> sends)
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hg%M"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%H:%M %d/%m/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
