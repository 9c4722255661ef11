"""What a module reads from the settings: the shop's values, overridden per module by `MTL_<MODULE>_<KEY>`."""

from __future__ import annotations

from martello.runtime.config import Settings


def test_a_module_reads_every_setting_and_its_own_overrides_win() -> None:
    settings = Settings.from_env(
        {"MTL_SNAPSHOT_EVERY": "50", "MTL_ORDER_SNAPSHOT_EVERY": "5", "MTL_PASSWORD_HASH_COST": "12"}
    )

    order, catalog = settings.module_settings("order"), settings.module_settings("catalog")

    assert order["snapshot_every"] == "5"
    assert catalog["snapshot_every"] == "50"
    assert order["password_hash_cost"] == catalog["password_hash_cost"] == "12"


def test_an_override_for_one_module_is_not_read_by_another() -> None:
    settings = Settings.from_env({"MTL_USER_PASSWORD_HASH_COST": "10"})

    assert settings.module_settings("user")["password_hash_cost"] == "10"
    assert "password_hash_cost" not in settings.module_settings("cart")
