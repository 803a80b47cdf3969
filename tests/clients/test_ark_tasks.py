"""The official Volcengine Ark SDK against SeedGate's Ark-compatible facade, base URL changed only."""

import base64
import uuid

import pytest
from volcenginesdkarkruntime import Ark
from volcenginesdkarkruntime._exceptions import ArkAPIStatusError, ArkBadRequestError, ArkNotFoundError

from seedgate_harness.waiting import wait_for
from support import png


@pytest.fixture(scope="module")
def ark(embedded):
    return Ark(base_url=f"{embedded.base}/api/v3", api_key="x", max_retries=0, timeout=30)


def finished(ark, task_id):
    return wait_for(
        lambda: ark.content_generation.tasks.get(task_id=task_id), lambda task: task.status not in ("queued", "running")
    )


def test_create_get_list_delete(ark, embedded):
    created = ark.content_generation.tasks.create(
        model="doubao-seedance-1-5-pro-251215",  # Ark's model id, mapped to seedance-1.5-pro
        content=[{"type": "text", "text": "a red fox in the snow"}],
        ratio="16:9",
        duration=5,
        seed=11,
        watermark=False,
        generate_audio=False,
    )
    assert created.id.startswith("job_")
    first = ark.content_generation.tasks.get(task_id=created.id)
    assert first.status in ("queued", "running", "succeeded")
    assert first.model == "seedance-1.5-pro"
    task = finished(ark, created.id)
    assert task.status == "succeeded"
    assert task.error is None
    assert task.content.video_url.startswith("http")
    assert (task.ratio, task.duration, task.seed, task.framespersecond) == ("16:9", 5, 11, 24)
    assert task.created_at <= task.updated_at
    job = embedded.job(created.id)
    assert job["status"] == "succeeded" and job["request"]["generate_audio"] is False

    second = ark.content_generation.tasks.create(
        model="seedance-1.0-pro", content=[{"type": "text", "text": "a paper boat"}]
    )
    listed = ark.content_generation.tasks.list(task_ids=[created.id, second.id], page_size=10)
    assert listed.total == 2
    assert [item.id for item in listed.items] == [second.id, created.id]  # newest first
    succeeded = ark.content_generation.tasks.list(status="succeeded", task_ids=[created.id, second.id])
    assert created.id in [item.id for item in succeeded.items]
    paged = ark.content_generation.tasks.list(page_num=2, page_size=1, task_ids=[created.id, second.id])
    assert [item.id for item in paged.items] == [created.id] and paged.total == 2

    ark.content_generation.tasks.delete(
        created.id
    )  # finished: acknowledged with {} (the SDK parses it), the job is kept
    assert embedded.job(created.id)["status"] == "succeeded"


def test_image_to_video_with_roles(ark, embedded):
    data_url = "data:image/png;base64," + base64.b64encode(png()).decode()
    created = ark.content_generation.tasks.create(
        model="doubao-seedance-1-0-lite-i2v-250428",
        content=[
            {"type": "text", "text": "from dawn to dusk"},
            {"type": "image_url", "image_url": {"url": data_url}, "role": "first_frame"},
            {"type": "image_url", "image_url": {"url": data_url}, "role": "last_frame"},
        ],
        return_last_frame=True,
    )
    roles = [image["role"] for image in embedded.job(created.id)["request"]["images"]]
    assert roles == ["first_frame", "last_frame"]
    task = finished(ark, created.id)
    assert task.status == "succeeded", task


def test_delete_cancels_a_queued_task(ark, embedded):
    created = ark.content_generation.tasks.create(
        model="seedance-1.5-pro",
        content=[{"type": "text", "text": "cancel me"}],
        extra_body={"provider": "volcengine-ark"},
    )
    ark.content_generation.tasks.delete(created.id)
    assert ark.content_generation.tasks.get(task_id=created.id).status == "cancelled"
    with pytest.raises(ArkBadRequestError) as caught:
        ark.content_generation.tasks.delete(created.id)  # as on Ark: a cancelled task cannot be deleted
    assert caught.value.code == "InvalidAction.TaskNotCancellable"


def test_failed_task_carries_arks_error_code(ark):
    created = ark.content_generation.tasks.create(
        model="seedance-1.5-pro",
        content=[{"type": "text", "text": "[[fail:moderation]] a storm"}],
        extra_body={"provider": "volcengine-ark"},
    )
    task = finished(ark, created.id)
    assert task.status == "failed"
    assert task.error.code == "OutputVideoSensitiveContentDetected"


@pytest.mark.parametrize(
    ("arguments", "error", "code", "param"),
    [
        ({"model": "ep-20250101-abcde"}, ArkNotFoundError, "InvalidEndpointOrModel.NotFound", "model"),
        ({"model": "seedance-1.5-pro", "duration": 99}, ArkBadRequestError, "InvalidParameter", "duration"),
        ({"model": "seedance-1.5-pro", "ratio": "2:1"}, ArkBadRequestError, "InvalidParameter", "ratio"),
        (
            {"model": "seedance-1.5-pro", "callback_url": "https://example.com/hook"},
            ArkBadRequestError,
            "InvalidParameter",
            "callback_url",
        ),
    ],
)
def test_refusals_are_ark_errors(ark, arguments, error, code, param):
    with pytest.raises(error) as caught:
        ark.content_generation.tasks.create(content=[{"type": "text", "text": "a lighthouse"}], **arguments)
    assert (caught.value.code, caught.value.param) == (code, param)
    assert "Request ID:" in caught.value.message


def test_unknown_task_is_not_found(ark):
    with pytest.raises(ArkNotFoundError) as caught:
        ark.content_generation.tasks.get(task_id="job_0000000000000000000000000z")
    assert caught.value.code == "ResourceNotFound"


MULTIMODAL_2_0 = [
    {"type": "text", "text": "[Image 1] dances in [Image 2]'s garden, moving like [Video 1], to [Audio 1]"},
    {"type": "image_url", "image_url": {"url": "https://assets.example/girl.png"}, "role": "reference_image"},
    {"type": "image_url", "image_url": {"url": "https://assets.example/garden.png"}, "role": "reference_image"},
    {"type": "video_url", "video_url": {"url": "https://assets.example/motion.mp4"}, "role": "reference_video"},
    {"type": "audio_url", "audio_url": {"url": "https://assets.example/bgm.mp3"}, "role": "reference_audio"},
]


@pytest.mark.parametrize("provider", ["volcengine-ark", "byteplus-modelark", "acedata"])
def test_seedance_2_multimodal_task(ark, embedded, provider):
    """A 2.0 multimodal task exactly as the SDK sends it (every field, null when unset), followed to the end."""
    created = ark.content_generation.tasks.create(
        model="doubao-seedance-2-0-260128",
        content=MULTIMODAL_2_0,
        duration=8,
        return_last_frame=True,
        safety_identifier="u_3f9a1c",
        extra_body={"provider": provider},
    )
    task = finished(ark, created.id)
    assert task.status == "succeeded", task.error
    assert task.model == "seedance-2.0"
    assert task.content.video_url.startswith("http") and task.content.last_frame_url.startswith("http")
    assert (task.duration, task.generate_audio, task.safety_identifier) == (8, True, "u_3f9a1c")
    job = embedded.job(created.id)
    assert job["provider"] == provider
    assert [len(job["request"][kind]) for kind in ("images", "videos", "audios")] == [2, 1, 1]
    assert job["request"]["prompt"] == MULTIMODAL_2_0[0]["text"]


def test_seedance_2_priority_and_web_search(ark):
    created = ark.content_generation.tasks.create(
        model="seedance-2.0-fast",
        content=[{"type": "text", "text": "this week's weather over the Bund, as a news clip"}],
        priority=5,
        tools=[{"type": "web_search"}],
        extra_body={"provider": "volcengine-ark"},
    )
    task = finished(ark, created.id)
    assert task.status == "succeeded", task.error
    assert task.priority == 5
    assert task.usage.completion_tokens > 0


@pytest.mark.parametrize(
    ("arguments", "param"),
    [
        ({"model": "seedance-2.0-fast", "resolution": "1080p"}, "resolution"),
        ({"model": "seedance-2.0", "frames": 121}, "frames"),
        ({"model": "seedance-2.0", "priority": 10}, "priority"),
        ({"model": "seedance-2.0", "omni_reference_task_type": "edit"}, "omni_reference_task_type"),
    ],
)
def test_seedance_2_refusals(ark, arguments, param):
    with pytest.raises(ArkBadRequestError) as caught:
        ark.content_generation.tasks.create(content=[{"type": "text", "text": "a lighthouse"}], **arguments)
    assert caught.value.param == param


def test_seedance_2_audio_alone_is_refused(ark):
    with pytest.raises(ArkBadRequestError) as caught:
        ark.content_generation.tasks.create(model="seedance-2.0", content=[MULTIMODAL_2_0[0], MULTIMODAL_2_0[4]])
    assert caught.value.param == "content"


def test_a_create_repeated_with_its_idempotency_key_is_one_task(ark):
    """Idempotency-Key on the Ark facade's create, as on /v1/jobs: the same key and body is the same task; the same
    key with another body is a 422."""
    key = {"Idempotency-Key": f"ark-{uuid.uuid4()}"}
    content = [{"type": "text", "text": "a paper boat on a pond"}]
    first = ark.content_generation.tasks.create(model="seedance-1.5-pro", content=content, extra_headers=key)
    again = ark.content_generation.tasks.create(model="seedance-1.5-pro", content=content, extra_headers=key)
    assert again.id == first.id
    other = [{"type": "text", "text": "a different boat"}]
    with pytest.raises(ArkAPIStatusError) as refused:
        ark.content_generation.tasks.create(model="seedance-1.5-pro", content=other, extra_headers=key)
    assert refused.value.status_code == 422
