"""End-to-end scenarios written for the embedded shop, run unchanged on PostgreSQL + NATS JetStream.

The `shop`/`client` fixtures of this package put every module on its own PostgreSQL schema and
exchange integration events over JetStream. (Tests that feed a module messages through the bus and
expect them handled when `publish` returns rely on the in-process bus's synchronous delivery, and
tests about SQLite files are embedded-only: those are not repeated here.)
"""

from __future__ import annotations

import pytest

from tests.cart import test_cart_history as cart_history
from tests.cart import test_cart_http as cart
from tests.catalog import test_catalog_history as catalog_history
from tests.e2e import test_catalog_http as catalog
from tests.e2e import test_contention as contention
from tests.e2e import test_history_and_rebuild as history
from tests.user import test_user_history as user_history

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

test_catalog_walked_to_active_sells_its_products = catalog.test_a_catalog_walked_to_active_sells_its_products
test_catalog_time_travel = catalog.test_time_travel_shows_the_catalog_as_it_was
test_catalog_time_travel_is_the_live_view_then = (
    catalog_history.test_at_every_version_time_travel_answers_what_the_live_catalog_view_answered
)
test_catalog_bad_input = catalog.test_bad_input_is_refused_with_a_problem_and_nothing_is_stored
test_catalog_writes_need_an_administrator = catalog.test_writes_need_an_administrator

test_cart_filled_changed_and_checked_out = cart.test_a_customer_fills_changes_and_checks_out_a_cart
test_cart_checkout_uses_current_prices = cart.test_checkout_uses_the_current_price_and_refuses_what_is_no_longer_sold
test_cart_unreleased_products = cart.test_products_not_yet_released_cannot_be_added
test_cart_is_private = cart.test_a_customer_sees_only_their_own_cart
test_cart_needs_a_token = cart.test_carts_need_a_token_and_stock_needs_an_administrator
test_cart_abandoned = cart.test_abandoning_closes_the_cart
test_cart_bad_input = cart.test_bad_input_is_refused_with_a_problem_and_nothing_is_stored
test_cart_time_travel_is_the_live_view_then = (
    cart_history.test_at_every_version_time_travel_answers_what_the_live_cart_views_answered
)

test_history_lists_every_event = history.test_history_lists_every_event_with_its_envelope
test_account_time_travel_is_the_live_view_then = (
    user_history.test_at_every_version_time_travel_answers_what_the_live_account_view_answered
)
test_rebuild_equals_the_live_read_model = history.test_a_rebuild_equals_the_live_read_model_and_queries_keep_answering

test_contention_32_buyers_at_once = (
    contention.test_32_buyers_checking_out_at_once_see_no_conflict_only_confirmed_or_rejected_orders
)
test_contention_one_buyer_many_tabs = (
    contention.test_one_buyer_adding_from_many_tabs_at_once_gets_every_item_into_one_cart
)
