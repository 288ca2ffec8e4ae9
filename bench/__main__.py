"""``make bench``: every benchmark in one run, printed, nothing asserted.

1. Slack (``bench.slack_burst``): consultbot as ``consultbot run`` builds it against a bare
   slack-bolt app, on the same fake Slack and the same burst of answer submissions.
2. Discord (``bench.discord_burst``): the same burst of modal submits through discord.py,
   against a bare discord.py client.
3. The digest (``bench.digest``) at 1,000, 15,000 and 50,000 answers in every format.
4. Slack flood (``bench.slack_flood``): 3,000 answers sent at 300 a second, against bare.
5. Replies while a 50,000-answer digest is built (``bench.digest_busy``), against idle.

    python -m bench            # 300 people, 50 at a time; digests timed 3 times, best kept
    python -m bench --quick    # the same load; each digest step timed once (what make bench runs)
    python -m bench --short    # skip the flood and the busy digest (the long parts)
"""

from __future__ import annotations

import argparse
import time

from bench import digest, digest_busy, discord_burst, slack_burst, slack_flood

DIGEST_SIZES = (1_000, 15_000, 50_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="time each digest step once")
    parser.add_argument(
        "--people", type=int, default=300, help="answer submissions (Slack, Discord)"
    )
    parser.add_argument("--at-once", type=int, default=50, help="submissions in flight at once")
    parser.add_argument("--short", action="store_true", help="skip the flood and busy digest")
    parser.add_argument("--flood", type=int, default=3000, help="answers in the Slack flood")
    parser.add_argument("--rate", type=float, default=300, help="flood answers a second")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    slack_burst.run(args.people, args.at_once)
    print()
    discord_burst.run(args.people, args.at_once)
    for answers in DIGEST_SIZES:
        print()
        digest.main(["--answers", str(answers), "--repeat", "1" if args.quick else "3"])
    if not args.short:
        print()
        slack_flood.run(args.flood, args.rate)
        print()
        digest_busy.run(DIGEST_SIZES[-1])
    print(f"\nbench finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
