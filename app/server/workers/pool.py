"""One live connector per brand account, built from the account's row and its secret, shared by
that account's ingest worker and the reply sender, and closed when the account goes away."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

import anyio

from app.connectors import AuthError, Connector, RateControl, connector_for
from app.models.enums import Network
from app.server.secrets import SecretStore, env_var_for
from app.server.services.accounts import AccountConfig

log = logging.getLogger(__name__)

ConnectorFactory = Callable[..., Connector]

# Networks whose connector needs no secret.
_NO_SECRET = {Network.FEED, Network.DEMO}


class ConnectorPool:
    """Connectors by account id; rebuilt when the account's settings change."""

    def __init__(
        self,
        secrets: SecretStore,
        rate_control: RateControl,
        *,
        factory: ConnectorFactory = connector_for,
    ) -> None:
        self._secrets = secrets
        self._rate_control = rate_control
        self._factory = factory
        self._connectors: dict[int, tuple[tuple[object, ...], Connector]] = {}

    def _secret(self, config: AccountConfig) -> str:
        if config.network in _NO_SECRET:
            return self._secrets.resolve(config.secret_ref) or ""
        secret = self._secrets.resolve(config.secret_ref)
        if not secret:
            raise AuthError(
                f"No secret found for the account {config.name!r}: set "
                f"{env_var_for(config.secret_ref)} or run add-account again."
            )
        return secret

    async def get(self, config: AccountConfig) -> Connector:
        """The account's connector (raises AuthError without a secret, PermanentError for a
        configuration that cannot work)."""
        cached = self._connectors.get(config.id)
        if cached is not None and cached[0] == config.identity:
            return cached[1]
        if cached is not None:
            await self.drop(config.id)
        secret = await anyio.to_thread.run_sync(self._secret, config)
        options: Mapping[str, Any] = config.options
        connector = self._factory(
            config.network,
            config.base_url,
            secret,
            options=options,
            rate_control=self._rate_control,
        )
        self._connectors[config.id] = (config.identity, connector)
        return connector

    async def drop(self, account_id: int) -> None:
        """Close and forget the account's connector (the next `get` re-reads the secret)."""
        cached = self._connectors.pop(account_id, None)
        if cached is not None:
            with contextlib.suppress(Exception):
                await cached[1].aclose()

    async def aclose(self) -> None:
        for account_id in list(self._connectors):
            await self.drop(account_id)
