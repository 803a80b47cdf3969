"""The official OpenAI SDK (`client.videos`) against SeedGate's OpenAI-compatible facade, base URL changed only."""

import hashlib
import time
import urllib.request
import uuid

import httpx
import openai
import pytest
from openai import OpenAI

from support import is_mp4, png


@pytest.fixture(scope="module")
def client(embedded):
    return OpenAI(base_url=f"{embedded.base}/v1", api_key="not-needed-when-open", max_retries=0, timeout=30)


def test_create_and_poll_then_download(client, embedded):
    video = client.videos.create_and_poll(
        model="seedance-1.5-pro", prompt="a kitten yawns at the camera", seconds="8", size="1280x720"
    )
    assert video.object == "video"
    assert video.status == "completed", video
    assert video.progress == 100
    assert video.model == "seedance-1.5-pro"
    assert video.seconds == "8" and video.size == "1280x720"
    assert video.error is None
    assert video.completed_at is not None and video.completed_at >= video.created_at
    # The same job underneath: SeedGate's own API shows what the facade asked for.
    job = embedded.job(video.id)
    assert job["status"] == "succeeded"
    assert (job["request"]["duration"], job["request"]["resolution"], job["request"]["ratio"]) == (8, "720p", "16:9")
    content = client.videos.download_content(video.id)
    data = content.read()
    assert is_mp4(data)
    assert client.videos.download_content(video.id, variant="video").read() == data


def test_create_with_uploaded_first_frame(client, embedded):
    video = client.videos.create(
        model="seedance-1.0-lite-i2v",
        prompt="the sun rises",
        seconds="5",
        size="720x1280",
        input_reference=("frame.png", png(), "image/png"),
    )
    assert video.status in ("queued", "in_progress")
    assert video.size == "704x1248"  # what seedance-1.0 renders for 720p 9:16
    job = embedded.job(video.id)
    image = job["request"]["images"][0]
    assert image["role"] == "first_frame"
    assert image["url"].startswith("data:image/png;base64,")
    assert (job["request"]["resolution"], job["request"]["ratio"]) == ("720p", "9:16")
    done = client.videos.poll(video.id)
    assert done.status == "completed", done


def test_seedance_2_with_an_input_reference_and_15_seconds(client, embedded):
    video = client.videos.create(
        model="seedance-2.0",
        prompt="the lighthouse beam sweeps over the sea",
        seconds="15",
        size="3840x2160",
        input_reference=("frame.png", png(), "image/png"),
    )
    assert video.model == "seedance-2.0" and video.seconds == "15" and video.size == "3840x2160"
    job = embedded.job(video.id)
    assert job["request"]["images"][0]["role"] == "first_frame"
    assert (job["request"]["duration"], job["request"]["resolution"]) == (15, "4k")
    assert client.videos.poll(video.id).status == "completed"
    with pytest.raises(openai.BadRequestError) as caught:
        client.videos.create(model="seedance-2.0-fast", prompt="x", seconds="16")
    assert caught.value.param == "seconds"


def test_retrieve_sends_poll_hint_and_maps_statuses(client):
    created = client.videos.create(model="seedance-1.0-pro", prompt="waves on a beach", seconds="4", size="1792x1024")
    assert created.status == "queued" and created.progress == 0
    assert created.size == "1920x1088"  # 1792x1024 asks for 1080p 16:9
    raw = client.videos.with_raw_response.retrieve(created.id)
    video = raw.parse()
    if video.status in ("queued", "in_progress"):
        assert int(raw.headers["openai-poll-after-ms"]) >= 500
        assert video.progress in (0, 50)
    assert client.videos.poll(created.id).status == "completed"
    final = client.videos.with_raw_response.retrieve(created.id)
    assert "openai-poll-after-ms" not in final.headers


def test_list_pages_in_both_orders(client):
    ids = [client.videos.create(model="seedance-1.0-pro-fast", prompt=f"list me {n}").id for n in range(3)]
    newest_first = client.videos.list(limit=2)
    first_page = [video.id for video in newest_first.data]
    assert first_page == sorted(first_page, reverse=True) and len(first_page) == 2
    assert newest_first.has_more is True
    every = [video.id for video in client.videos.list(limit=2)]  # the SDK follows last_id/after
    assert every == sorted(every, reverse=True) and set(ids) <= set(every)
    oldest_first = [video.id for video in client.videos.list(order="asc", limit=100)]
    assert oldest_first == sorted(oldest_first) and set(ids) <= set(oldest_first)
    after = client.videos.list(order="asc", after=ids[0], limit=10)
    assert [video.id for video in after.data][:2] == ids[1:]


def test_delete_cancels_an_unfinished_video(client, embedded):
    # Ark cancels queued tasks; embedded mode lets a request pin the provider.
    video = client.videos.create(
        model="seedance-1.5-pro", prompt="never mind", extra_body={"provider": "volcengine-ark"}
    )
    deleted = client.videos.delete(video.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (video.id, "video.deleted", True)
    after = client.videos.retrieve(video.id)
    assert after.status == "failed" and after.error.code == "cancelled"
    assert embedded.job(video.id)["status"] == "cancelled"
    again = client.videos.delete(video.id)
    assert again.deleted is False  # already ended: SeedGate keeps the record
    with pytest.raises(openai.NotFoundError):
        client.videos.download_content(video.id)


def test_failed_video_reports_an_openai_error(client):
    video = client.videos.create_and_poll(
        model="seedance-1.5-pro", prompt="[[fail:moderation]] a storm", extra_body={"provider": "volcengine-ark"}
    )
    assert video.status == "failed" and video.progress == 0
    assert video.error.code == "moderation_blocked"
    assert video.error.message


@pytest.mark.parametrize(
    ("arguments", "param", "mentions"),
    [
        ({"model": "sora-2"}, "model", "seedance-1.5-pro"),
        ({"model": "seedance-1.5-pro", "seconds": "3"}, "seconds", "4–12"),
        ({"model": "seedance-1.5-pro", "size": "640x480"}, "size", "1280x720"),
        (
            {"model": "seedance-1.0-lite-t2v", "input_reference": ("frame.png", png(), "image/png")},
            "input_reference",
            "",
        ),
    ],
)
def test_refusals_are_openai_errors(client, arguments, param, mentions):
    with pytest.raises(openai.BadRequestError) as caught:
        client.videos.create(prompt="a lighthouse", **arguments)
    error = caught.value
    assert error.status_code == 400
    assert error.body["type"] == "invalid_request_error"
    assert error.body["param"] == param
    assert mentions in error.body["message"]


def test_unknown_video_is_not_found(client):
    with pytest.raises(openai.NotFoundError) as caught:
        client.videos.retrieve("job_0000000000000000000000000z")
    assert caught.value.body["code"] == "not_found"


def test_download_content_serves_the_archived_copy(client, embedded):
    """Once SeedGate archived the result, download_content streams SeedGate's copy: the same bytes as
    /v1/jobs/{id}/content, whose SHA-256 the job records."""
    video = client.videos.create_and_poll(
        model="seedance-1.5-pro", prompt="a heron lands", seconds="5", size="720x1280"
    )
    assert video.status == "completed", video
    deadline = time.monotonic() + 30
    job = embedded.job(video.id)
    while job["output"].get("archive", {}).get("state") != "archived" and time.monotonic() < deadline:
        time.sleep(0.2)
        job = embedded.job(video.id)
    archive = job["output"]["archive"]
    assert archive["state"] == "archived", archive
    assert job["output"]["video_url"] == f"{embedded.base}/v1/jobs/{video.id}/content"
    data = client.videos.download_content(video.id).read()
    assert is_mp4(data)
    assert hashlib.sha256(data).hexdigest() == archive["video"]["sha256"]
    with urllib.request.urlopen(job["output"]["signed_video_url"], timeout=10) as response:
        assert response.read() == data


class _LoseFirstAnswer(httpx.HTTPTransport):
    """Sends every request, but reports the first create's answer as lost (a read timeout), as a dropped connection
    would: the server made the job, and the SDK retries."""

    def __init__(self):
        super().__init__()
        self.creates = 0

    def handle_request(self, request):
        response = super().handle_request(request)
        if request.method == "POST" and request.url.path == "/v1/videos":
            self.creates += 1
            if self.creates == 1:
                response.read()
                raise httpx.ReadTimeout("answer lost", request=request)
        return response


def test_the_sdks_retry_of_a_create_with_an_idempotency_key_makes_one_job(embedded):
    """The SDK's automatic retry (max_retries) resends the create with the same Idempotency-Key: one job, one task."""
    transport = _LoseFirstAnswer()
    client = httpx.Client(transport=transport)
    retrying = OpenAI(base_url=f"{embedded.base}/v1", api_key="x", max_retries=2, timeout=30, http_client=client)
    key = f"order-{uuid.uuid4()}"
    video = retrying.videos.create(
        model="seedance-1.5-pro", prompt="a lighthouse at dusk", seconds="5", extra_headers={"Idempotency-Key": key}
    )
    assert transport.creates == 2, "the SDK retried after the lost answer"
    before = {job["id"] for job in embedded.jobs_with_prompt("a lighthouse at dusk")}
    assert before == {video.id}, "the retry replayed the first job instead of making a second"
    done = retrying.videos.poll(video.id)
    assert done.status == "completed"
    job = embedded.job(video.id)
    assert [attempt["outcome"] for attempt in job["attempts"]] == ["accepted"], "one upstream task"
    # The same key with another body is refused (422), never a second job.
    with pytest.raises(openai.UnprocessableEntityError):
        retrying.videos.create(model="seedance-1.5-pro", prompt="another video", extra_headers={"Idempotency-Key": key})
