"""The LINE channel: webhook in, events to neutral inbounds, rendering, the sender, rich menus.

LINE's own limits (messages per call, label lengths) live here and nowhere else."""
