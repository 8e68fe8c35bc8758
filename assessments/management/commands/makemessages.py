"""``makemessages`` that also extracts the decision engine's reasons.

The engine may not import Django, so it marks its reasons with its own no-op ``N_``; xgettext
knows only Django's markers unless told, and ``makemessages`` has no option to tell it. Every
extraction (``make messages``, tests/test_translations.py) runs this command.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
