# The one date format of the English pages, files and reports (ravao/core/dates.py): the
# English (United States) locale's short form, as Django and the browsers' Intl write it:
# 12/04/2026 and 4:30 PM.
DATE_FORMAT = "m/d/Y"
SHORT_DATE_FORMAT = "m/d/Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "m/d/Y g:i A"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
MONTH_DAY_FORMAT = "m/d"
YEAR_MONTH_FORMAT = "m/Y"
