"""Free value-added services by tier (002 §3.1.1(2); 000 plan 8 item 02): FMS2 load-profile check,
FMS3 consulting and the like, free of charge to the key accounts whose tier the offer lists.

The catalogue and each offer's tiers come from `[[services.catalogue]]` in config; LINE's service
dialog and the Google Form intake both ask here whether an account may have an offer.
"""
from __future__ import annotations

from bot.config import ServiceOffer, ServicesConfig


def is_entitled(offer: ServiceOffer, tier: str) -> bool:
    return tier in offer.tiers


def offers_for(services: ServicesConfig, tier: str) -> list[ServiceOffer]:
    """The catalogue an account of this tier may ask for, in the catalogue's order."""
    return [offer for offer in services.catalogue if is_entitled(offer, tier)]
