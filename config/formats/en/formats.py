"""English dates and times as Europe writes them (31 May 2031, 14:30), not the US's
(May 31, 2031, 2:30 p.m.): the scheme's readers are European, and a day before its month reads
the same in every country they are in. Input formats stay Django's (ISO dates always work)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
