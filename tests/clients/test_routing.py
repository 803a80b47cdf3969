"""Both facades on a configured SeedGate whose routes send each model to a different provider: the client code is
the same, the provider is configuration (no request names one)."""

import pytest
from openai import OpenAI
from volcenginesdkarkruntime import Ark

from seedgate_harness.waiting import wait_for
from support import is_mp4


@pytest.fixture(scope="module")
def openai_client(routed):
    return OpenAI(base_url=f"{routed.base}/v1", api_key="x", max_retries=0, timeout=30)


@pytest.fixture(scope="module")
def ark(routed):
    return Ark(base_url=f"{routed.base}/api/v3", api_key="x", max_retries=0, timeout=30)


def test_openai_video_runs_on_the_routed_provider(openai_client, routed):
    video = openai_client.videos.create_and_poll(
        model="seedance-1.5-pro", prompt="a lantern on a lake", seconds="4", size="720x1280"
    )
    assert video.status == "completed", video
    assert routed.job(video.id)["provider"] == "modelverse"
    assert is_mp4(openai_client.videos.download_content(video.id).read())


@pytest.mark.parametrize(
    ("model", "provider"),
    [("doubao-seedance-1-0-pro-250528", "acedata"), ("doubao-seedance-1-0-lite-t2v-250428", "volcengine-ark")],
)
def test_ark_task_runs_on_the_routed_provider(ark, routed, model, provider):
    created = ark.content_generation.tasks.create(
        model=model, content=[{"type": "text", "text": "a windmill at dusk"}], duration=5
    )
    task = wait_for(
        lambda: ark.content_generation.tasks.get(task_id=created.id), lambda t: t.status not in ("queued", "running")
    )
    assert task.status == "succeeded", task
    assert task.content.video_url
    assert routed.job(created.id)["provider"] == provider


def test_request_cannot_pick_a_provider_when_routes_decide(ark):
    from volcenginesdkarkruntime._exceptions import ArkBadRequestError

    with pytest.raises(ArkBadRequestError) as caught:
        ark.content_generation.tasks.create(
            model="seedance-1.5-pro",
            content=[{"type": "text", "text": "x"}],
            extra_body={"provider": "volcengine-ark"},
        )
    assert caught.value.param == "provider"
