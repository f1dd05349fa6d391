"""LINE Messaging API limits, in one place (checked against line-openapi, 2026)."""

MESSAGES_PER_CALL = 5  # reply and push take at most five message objects
QUICK_REPLY_ITEMS = 13
LABEL_CHARS = 20  # quick-reply and button action labels
ALT_TEXT_CHARS = 400
TEXT_CHARS = 5000
FLEX_BUTTONS = 8  # what fits a bubble's footer before it stops being readable
CAROUSEL_BUBBLES = 12
MULTICAST_RECIPIENTS = 500
