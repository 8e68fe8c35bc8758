"""Dates on English pages are written the European way, on German ones the German way."""

import datetime

from django.utils import formats, translation


def test_english_dates_put_the_day_first():
    with translation.override("en"):
        assert formats.date_format(datetime.date(2031, 5, 31)) == "31 May 2031"
        assert formats.date_format(datetime.date(2031, 5, 31), "SHORT_DATE_FORMAT") == (
            "31/05/2031"
        )


def test_english_times_use_the_24_hour_clock():
    moment = datetime.datetime(2031, 5, 31, 14, 30)
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "31 May 2031, 14:30"


def test_german_dates_stay_german():
    with translation.override("de"):
        assert formats.date_format(datetime.date(2031, 5, 31)) == "31. Mai 2031"


def test_an_iso_date_is_still_accepted_in_english_forms():
    from django import forms

    with translation.override("en"):
        assert forms.DateField().clean("2031-05-31") == datetime.date(2031, 5, 31)
