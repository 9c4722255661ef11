"""One fold per view, checked over HTTP: what a view answered live after each change of its stream is what
time travel (`as_of_version`, `as_of`) answers for that moment later."""

from __future__ import annotations

from typing import Any

from tests.conftest import ShopClient


class LiveAnswers:
    """Records a view's live answer after each change of one stream, then asks time travel for each moment."""

    def __init__(self, client: ShopClient, stream_id: str, path: str, headers: dict[str, str]) -> None:
        self.client, self.stream_id, self.path, self.headers = client, stream_id, path, headers
        self.moments: list[tuple[int, str, Any]] = []
        """(stream version, timestamp of its last event, the live answer then)."""

    async def record(self) -> None:
        """The view now, read once the read model has caught up with the stream's last event."""
        stream = await self.client.get(f"/api/v1/ops/streams/{self.stream_id}", headers=self.client.admin)
        assert stream.status_code == 200, stream.text
        last = stream.json()["events"][-1]
        live = await self.client.get(self.path, params={"min_position": last["position"]}, headers=self.headers)
        assert live.status_code == 200, live.text
        assert not self.moments or self.moments[-1][0] < last["stream_version"], "record after each change"
        self.moments.append((last["stream_version"], last["timestamp"], live.json()))

    async def assert_time_travel_answers_the_same(self) -> None:
        assert len(self.moments) > 1, "a history worth travelling through"
        for version, timestamp, answer in self.moments:
            for point in ({"as_of_version": version}, {"as_of": timestamp}):
                then = await self.client.get(self.path, params=point, headers=self.headers)
                assert then.status_code == 200, (point, then.text)
                assert then.json() == answer, f"{self.path} as of {point}: not what the read model answered then"
