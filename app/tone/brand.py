"""What the tone check knows about the brand: its own support channels and capitalised names."""

from __future__ import annotations

from dataclasses import dataclass

# Mailboxes that belong to an organisation rather than a person: offering one is a channel,
# quoting one is not a customer's private data.
ROLE_MAILBOXES: frozenset[str] = frozenset(
    {
        "support",
        "help",
        "helpdesk",
        "care",
        "customercare",
        "customerservice",
        "service",
        "info",
        "hello",
        "contact",
        "team",
        "billing",
        "press",
        "privacy",
        "social",
        "sales",
        "kundenservice",
        "kundendienst",
        "soporte",
        "atencion",
        "atencionalcliente",
        "ayuda",
        "sav",
        "serviceclient",
        "service-client",
        "noreply",
        "no-reply",
    }
)


@dataclass(frozen=True, slots=True)
class BrandProfile:
    """Brand settings; the defaults know no brand, so only role mailboxes count as the brand's."""

    support_domains: frozenset[str] = frozenset()  # e.g. {"acme.com"}: any address there is ours
    support_phones: frozenset[str] = frozenset()  # E.164, e.g. {"+18005550100"}
    role_mailboxes: frozenset[str] = ROLE_MAILBOXES
    capitalised_words: frozenset[str] = frozenset()  # brand or product names written in capitals

    def owns_email(self, address: str) -> bool:
        local, _, domain = address.lower().rpartition("@")
        domain = domain.rstrip(".")
        for ours in self.support_domains:
            ours = ours.lower().lstrip("@")
            if domain == ours or domain.endswith("." + ours):
                return True
        return local in self.role_mailboxes

    def owns_phone(self, e164: str) -> bool:
        return e164 in self.support_phones


DEFAULT_BRAND = BrandProfile()
