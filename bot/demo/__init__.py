"""The demo: a made-up organisation, the bot on a LINE stand-in, and the terminal chat."""
