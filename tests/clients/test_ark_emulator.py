"""The official Ark SDK straight against SeedGate's Ark emulator (`seedgate emulate`): the emulator SeedGate's
own tests rely on must behave as Ark does for Ark's own client."""

import pytest
from volcenginesdkarkruntime import Ark
from volcenginesdkarkruntime._exceptions import ArkAuthenticationError, ArkBadRequestError, ArkNotFoundError

from seedgate_harness.waiting import wait_for


@pytest.fixture(scope="module")
def ark(ark_emulator):
    return Ark(base_url=f"{ark_emulator.base}/api/v3", api_key="emulator-key", max_retries=0, timeout=30)


def test_create_get_list_delete(ark):
    created = ark.content_generation.tasks.create(
        model="doubao-seedance-1-5-pro-251215",
        content=[{"type": "text", "text": "a kitten yawns"}],
        ratio="16:9",
        duration=5,
        return_last_frame=True,
    )
    assert created.id.startswith("cgt-")
    task = wait_for(
        lambda: ark.content_generation.tasks.get(task_id=created.id), lambda t: t.status not in ("queued", "running")
    )
    assert task.status == "succeeded"
    assert task.model == "doubao-seedance-1-5-pro-251215"
    assert task.content.video_url.endswith(".mp4") and task.content.last_frame_url.endswith(".png")
    assert task.usage.completion_tokens > 0
    assert (task.ratio, task.duration, task.framespersecond) == ("16:9", 5, 24)

    listed = ark.content_generation.tasks.list(task_ids=[created.id], page_num=1, page_size=10)
    assert listed.total == 1 and listed.items[0].id == created.id
    assert created.id in [
        item.id for item in ark.content_generation.tasks.list(status="succeeded", page_size=100).items
    ]

    ark.content_generation.tasks.delete(created.id)  # a succeeded task's record is deleted
    with pytest.raises(ArkNotFoundError):
        ark.content_generation.tasks.get(task_id=created.id)


def test_queued_task_is_cancelled_and_stays_visible(ark):
    created = ark.content_generation.tasks.create(
        model="doubao-seedance-1-0-pro-250528", content=[{"type": "text", "text": "cancel me"}]
    )
    ark.content_generation.tasks.delete(created.id)
    assert ark.content_generation.tasks.get(task_id=created.id).status == "cancelled"
    with pytest.raises(ArkBadRequestError):
        ark.content_generation.tasks.delete(created.id)  # Ark: cancelled tasks cannot be deleted


def test_errors_are_arks(ark, ark_emulator):
    with pytest.raises(ArkBadRequestError) as caught:
        ark.content_generation.tasks.create(
            model="doubao-seedance-1-5-pro-251215", content=[{"type": "text", "text": "x"}], duration=99
        )
    assert caught.value.code.startswith("InvalidParameter")
    with pytest.raises(ArkNotFoundError) as caught:
        ark.content_generation.tasks.create(model="doubao-nonexistent-250101", content=[{"type": "text", "text": "x"}])
    assert caught.value.code == "InvalidEndpointOrModel.NotFound"
    stranger = Ark(base_url=f"{ark_emulator.base}/api/v3", api_key="wrong-key", max_retries=0)
    with pytest.raises(ArkAuthenticationError):
        stranger.content_generation.tasks.get(task_id="cgt-20250101000000-abcde")
