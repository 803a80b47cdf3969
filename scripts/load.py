#!/usr/bin/env python3
"""Load test of SeedGate's job lifecycle guarantees, with figures.

What it does
------------
It starts, on loopback, three things of its own (each seedgate process with `--port 0 --port-file`, so the
kernel picks its port and nothing races for one):

* a Volcengine Ark emulator (`seedgate emulate --provider volcengine-ark`),
* a webhook receiver (an `http.server` thread that answers 204, checks the Standard Webhooks
  signature and records when each (job id, event type) first arrived),
* SeedGate itself (`seedgate serve --config <temporary yaml>`) on a temporary SQLite file, routed to the
  emulator with its rate and concurrency limits raised so that the load is not throttled.

It then submits N jobs at once (each with its own prompt, an Idempotency-Key and a `callback_url` pointing at
the receiver; connection failures are retried with the same key), waits until every accepted job is terminal
by listing the unfinished jobs (`GET /v1/jobs?status=queued|running`, one pass a second), fetches every job
once, waits up to `--webhook-grace` (90 s: more than SeedGate's 60 s webhook delivery lease) for the webhook
events SeedGate has recorded but not yet delivered, and reads the emulator's counters and `/emulator/tasks`.

What it measures
----------------
* jobs submitted / accepted (202) / terminal / succeeded / failed by error code / lost (accepted but not
  terminal by the deadline, or missing) -- lost must be 0;
* upstream creates: duplicate creates (emulator creates minus the distinct upstream tasks SeedGate's jobs
  reference, less the tasks a `submit_outcome_unknown` job may have left behind) and the emulator's
  `max_creates_per_task` (creates sharing one request fingerprint) -- must be 0 and 1;
* lag from upstream completion (emulator `finished_at_ms`, matched by `upstream.task_id`) to SeedGate's
  `finished_at`, p50/p95/max ("n/a" if the emulator has no `/emulator/tasks`), and the window between a task's
  creation upstream and SeedGate recording it (a crash inside that window leaves an untracked task);
* upstream status calls per completed job (emulator `status_reads` / completed jobs);
* webhook first-attempt latency of `job.succeeded` (receive time - job `finished_at`), p50/p95/max;
* webhook events received vs expected (queued, running where SeedGate saw it, succeeded per succeeded job;
  queued and the terminal event per other terminal job), naming the missing ones and whether SeedGate ever
  emitted them;
  first-arrival latency of job.queued and job.running too; redeliveries and bad signatures;
* dispatch delay (created -> accepted upstream), create-call latency, the server's peak RSS (VmHWM), wall time.

With `--crash`, the server is killed with SIGKILL once half the jobs are accepted (aimed, within 2 s, at a
moment the emulator sees creates arriving, so the dispatcher has creates in flight), restarted on the same
database and port, and the run goes on; the same guarantees are checked. Submitters retry with the same
Idempotency-Key meanwhile. Jobs whose create call the kill interrupted may end `failed` with
`submit_outcome_unknown` (they are counted; SeedGate settles them about 20 s later), but never cause a second
create.

Exit status: 0 only if nothing is lost, no create was duplicated and every expected webhook event arrived at
least once (and every submission was accepted); otherwise 1, with the reasons.

Run it from anywhere (Python 3.11, standard library only; the code is the package scripts/seedgate_harness/,
shared with scripts/bench.sh and tests/clients):

    python3 scripts/load.py --jobs 1000
    python3 scripts/load.py --jobs 1000 --crash --json

The binary defaults to .build/release/seedgate, else .build/debug/seedgate (built with
`swift build --product seedgate` if neither exists); `--binary PATH` picks another.
"""

import sys

from seedgate_harness.cli import main

if __name__ == "__main__":
    sys.exit(main())
