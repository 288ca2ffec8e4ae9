"""The command line: digests, sessions and clear one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import open_engine
from bot.cli import main
from bot.config import Settings
from bot.core.events import Command, Role
from bot.core.outbound import QuestionPost


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(settings.database_path))
    monkeypatch.setenv("CONSULTBOT_PROMPTS_DIR", str(settings.prompts_dir))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", settings.identity_key.decode())
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", settings.safeguarding_key.decode())
    return settings


async def _session_with_one_answer(settings: Settings) -> str:
    async with open_engine(settings) as engine:
        channel = LocalChannel(engine)
        facilitator = channel.person("f", Role.FACILITATOR)
        await channel.command(facilitator, Command.START_SESSION, **{"question-set": "check-in"})
        question = channel.outbox.of_type(QuestionPost)[-1]
        await channel.answer(
            channel.person("u"), question, "my foster carer is great", quote_ok=True
        )
        await channel.command(facilitator, Command.END_SESSION)
        return question.session_id


def test_digest_command_writes_the_requested_format(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    session_id = asyncio.run(_session_with_one_answer(cli_env))
    out = tmp_path / "out" / "d.json"
    assert main(["digest", session_id, "--format", "json", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    answers = data["questions"][0]["answers"]
    assert answers[0]["text"] == "my foster carer is great"
    assert "foster-carers" in answers[0]["themes"]
    assert main(["sessions"]) == 0
    assert session_id in capsys.readouterr().out


def test_unknown_session_is_one_clear_line_and_exit_2(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "nosuch", "--format", "md"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no session 'nosuch'" in err


def test_malformed_question_set_fails_before_touching_the_database(
    cli_env: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import shutil

    prompts = tmp_path / "prompts"
    shutil.copytree(cli_env.prompts_dir, prompts)
    bad = prompts / "question-sets" / "check-in.toml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("title =", "titel ="), encoding="utf-8")
    db = tmp_path / "fresh.db"
    monkeypatch.setenv("CONSULTBOT_PROMPTS_DIR", str(prompts))
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(db))
    assert main(["sessions"]) == 2
    err = capsys.readouterr().err
    assert "check-in.toml: titel: is not a known key" in err
    assert not db.exists()


def test_demo_runs_a_whole_session_and_prints_the_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "digests"
    assert main(["demo", "--out", str(out), "--participants", "6", "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    files = sorted(p.name for p in out.iterdir())
    assert [name.rsplit(".", 1)[1] for name in files] == ["csv", "docx", "html", "json", "md"]
    last_lines = printed.strip().splitlines()[-5:]
    assert sorted(line.strip() for line in last_lines) == [str(out / name) for name in files]
    digest = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert digest["answer_count"] >= 6
    assert sum(len(q["answers"]) for q in digest["questions"]) == digest["answer_count"]
    # The simulated young people's ids never reach an export.
    for path in out.iterdir():
        assert b"demo-young-person" not in path.read_bytes()
        assert b"demo-facilitator" not in path.read_bytes()


def test_withdraw_purge_and_audit_from_the_command_line(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    session_id = asyncio.run(_session_with_one_answer(cli_env))
    assert main(["withdraw", "--platform", "discord", "--user", "u"]) == 0
    assert "Nothing was stored" in capsys.readouterr().out  # another platform's "u"
    assert main(["digest", session_id, "--format", "md"]) == 0
    request = ["withdraw", "--platform", "local", "--user", "u", "--session", session_id]
    assert main(request) == 0
    assert "Deleted 1 answers" in capsys.readouterr().out
    assert main(["purge"]) == 0
    assert "0 answers deleted" in capsys.readouterr().out  # closed today: kept
    assert main(["audit"]) == 0
    audit = capsys.readouterr().out
    assert f"cli  digest-downloaded  {session_id}  (md)" in audit
    assert "withdrawal-by-staff" in audit
    assert "my foster carer is great" not in audit


def test_screen_command_writes_jsonl_with_verdicts_and_redactions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.jsonl"
    source.write_text(
        '{"text": "the youth club is on 07700 900123", "id": 1}\n'
        '{"text": "i want to kill myself"}\n',
        encoding="utf-8",
    )
    assert main(["screen", str(source)]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["id"] == 1 and first["disclosure"] is False
    assert first["redacted"] == "the youth club is on [phone]"
    assert first["pii"] == [{"start": 21, "end": 33, "kind": "phone"}]
    assert second["disclosure"] is True and "self-harm" in second["categories"]


def test_commands_on_the_real_database_refuse_to_run_without_the_keys(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(settings.database_path))
    monkeypatch.delenv("CONSULTBOT_IDENTITY_KEY", raising=False)
    assert main(["withdraw", "--platform", "discord", "--user", "123"]) == 2
    assert "CONSULTBOT_IDENTITY_KEY" in capsys.readouterr().err
    assert not settings.database_path.exists()
