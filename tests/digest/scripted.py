"""A scripted session through the real engine, store and screen, with a small codebook of
keywords only, so every count below is known in advance. Every digest test reads it.

Ten people are present: Y1–Y8 answer (Y5's only answer is a disclosure, held for the
safeguarding lead), R1 and R2 only react. Question 1 and 5 use the default palette (👍 me
too, 💡 good point: agree; ❤️ sending support; 🔀 different for me); question 2 its own (👍,
🤔 not sure, ❤️, 🔀).

==== === ===== ========================================= ============ =======================
who  Q   quote text                                       themes        reactions
==== === ===== ========================================= ============ =======================
Y1   1   yes   Nobody listened to us, again.              being-heard  👍 Y2 Y3 Y4 R1 Y1(self),
                                                                        💡 Y3, ❤️ R2: agreed by 4
Y2   1   yes   Moving homes five times wrecked my …       moves        👍 Y1 Y3, 🔀 Y4 R1: divided
Y3   1   no    My social worker changed every few months. social-worke 👍 Y1 Y2 Y4: agreed by 3
Y4   1   yes   Purple elephants are dancing in my head.   (none)       —
Y6   1   yes   Nobody listened when I was moved again.    heard, moves 💡 Y2: agreed by 1
Y5   2   —     (a disclosure: held)                       —            —
Y6   2   yes   Not really. It felt written for younger …  (none)       🤔 ×7, ❤️ R2: agreed by 0
Y7   5   yes   Nothing about keeping brothers and sisters siblings     👍 R2 Y1: agreed by 2
Y8   5   no    Money when you leave care at eighteen.     leaving-care —
Y1   5   yes   Being asked what we think before they …    being-heard  👍 Y7: agreed by 1
==== === ===== ========================================= ============ =======================
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.local.adapter import LocalChannel
from bot.app import open_runtime
from bot.config import DEFAULT_PROMPTS_DIR, Settings
from bot.core.events import Command, Role
from bot.core.outbound import AnswerPost, FileDelivery, QuestionPost
from bot.digest.model import Digest
from bot.sessions.directory import CHECK_IN_WINDOW

LABEL = "Policy group, 3 Jul"
# 17:05 UTC is 18:05 in London in July (BST): the digest must say 18:05.
STARTED = datetime(2026, 7, 3, 17, 5, tzinfo=UTC)

FACILITATOR = LocalChannel.person("fac-1", Role.FACILITATOR, Role.STAFF)
YOUNG = {f"Y{n}": LocalChannel.person(f"young-{n}") for n in range(1, 9)}
REACTORS = {name: LocalChannel.person(f"reactor-{name}") for name in ("R1", "R2")}
PEOPLE = {**YOUNG, **REACTORS}

A = "Nobody listened to us, again."
B = "Moving homes five times wrecked my school year."
C = "My social worker changed every few months."
D = "Purple elephants are dancing in my head."
L = "Nobody listened when I was moved again."
HELD = "my dad hits me and i'm scared to go home"
E = "Not really. It felt written for younger kids."
F = "Nothing about keeping brothers and sisters together."
G = "Money when you leave care at eighteen."
K = "Being asked what we think before they decide."
NOT_QUOTABLE = (C, G)
QUOTABLE = (A, B, D, L, E, F, K)

CODEBOOK = """
schema_version = 2
conventions = ["Code what the answer says, not what it might mean."]
{themes}
"""
THEMES = {
    "being-heard": ("Being heard", ["listened", "asked", "heard"]),
    "moves": ("Moving homes", ["moving", "moved"]),
    "social-workers": ("Social workers", ["social worker"]),
    "siblings": ("Brothers and sisters", ["brothers", "sisters"]),
    "leaving-care": ("Leaving care", ["leave care"]),
}


def codebook_text(themes: dict[str, tuple[str, list[str]]] = THEMES) -> str:
    tables = []
    for theme_id, (label, keywords) in themes.items():
        tables.append(
            "[[themes]]\n"
            f'id = "{theme_id}"\nlabel = "{label}"\ndescription = "About {label.lower()}."\n'
            'include = "When the answer is about it."\nexclude = "When it is not."\n'
            'examples = ["one", "two", "three"]\n'
            f"keywords = {keywords!r}\n".replace("'", '"')
        )
    return CODEBOOK.format(themes="\n".join(tables))


def prompts_with_codebook(folder: Path, text: str | None = None) -> Path:
    """The shipped prompts with the test codebook in place of ``themes.toml``."""
    shutil.copytree(DEFAULT_PROMPTS_DIR, folder, dirs_exist_ok=True)
    (folder / "themes.toml").write_text(text or codebook_text(), encoding="utf-8")
    (folder / "themes-model.json").unlink(missing_ok=True)
    return folder


@dataclass(frozen=True, slots=True, kw_only=True)
class Scripted:
    settings: Settings
    session_id: str
    digest: Digest
    files: dict[str, bytes]  # format → the file staff got when the session closed
    answer_ids: dict[str, str]  # text → answer id


def settings_for(tmp: Path) -> Settings:
    return Settings(
        database_path=tmp / "consultbot.db",
        prompts_dir=prompts_with_codebook(tmp / "prompts"),
        identity_key=b"test-key-0123456789",
        reveal_seconds=0,
    )


async def run_script(settings: Settings) -> Scripted:
    now = [STARTED]
    async with open_runtime(settings, clock=lambda: now[0]) as runtime:
        engine = runtime.engine
        channel = LocalChannel(engine)
        await channel.command(
            FACILITATOR, Command.START_SESSION, **{"question-set": "case-for-change"}, label=LABEL
        )
        posts: dict[str, AnswerPost] = {}

        async def answer(who: str, text: str, quote: bool = True) -> None:
            question = channel.outbox.of_type(QuestionPost)[-1]
            sent = await channel.answer(YOUNG[who], question, text, quote_ok=quote)
            shown = [m for m in sent if isinstance(m, AnswerPost)]
            if text == HELD:
                assert not shown, "the disclosure should be held for the lead"
                return
            assert shown, f"{text!r} was not shown: {sent}"
            posts[text] = shown[0]

        await answer("Y1", A)
        await answer("Y2", B)
        await answer("Y3", C, quote=False)
        await answer("Y4", D)
        await answer("Y6", L)
        await channel.command(FACILITATOR, Command.NEXT_QUESTION)
        await answer("Y5", HELD)
        await answer("Y6", E)
        for _ in range(3):
            await channel.command(FACILITATOR, Command.NEXT_QUESTION)
        await answer("Y7", F)
        await answer("Y8", G, quote=False)
        await answer("Y1", K)

        async def react(text: str, emoji: str, *names: str) -> None:
            post = posts[text]
            button = next(b for b in post.reactions if b.emoji == emoji)
            for name in names:
                await channel.press(PEOPLE[name], button)

        await react(A, "👍", "Y2", "Y3", "Y4", "R1", "Y1")
        await react(A, "💡", "Y3")
        await react(A, "❤️", "R2")
        await react(B, "👍", "Y1", "Y3")
        await react(B, "🔀", "Y4", "R1")
        await react(C, "👍", "Y1", "Y2", "Y4")
        await react(L, "💡", "Y2")
        await react(E, "🤔", "Y1", "Y2", "Y3", "Y4", "Y7", "Y8", "R1")
        await react(E, "❤️", "R2")
        await react(F, "👍", "R2", "Y1")
        await react(K, "👍", "Y7")
        await channel.command(FACILITATOR, Command.END_SESSION)
        now[0] += CHECK_IN_WINDOW  # the end-of-session check closes: the digest goes to staff
        await runtime.jobs.run_due(channel.outbox)
        delivery = channel.outbox.of_type(FileDelivery)[-1]
        session_id = posts[A].session_id
        return Scripted(
            settings=settings,
            session_id=session_id,
            digest=await engine.digest(session_id),
            files={f.name.rsplit(".", 1)[1]: f.content for f in delivery.files},
            answer_ids={text: post.answer_id for text, post in posts.items()},
        )


def scripted(tmp: Path) -> Scripted:
    return asyncio.run(run_script(settings_for(tmp)))


def use_from_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point ``consultbot`` (the command line) at this session's database and prompts."""
    monkeypatch.setenv("CONSULTBOT_DATABASE", str(settings.database_path))
    monkeypatch.setenv("CONSULTBOT_PROMPTS_DIR", str(settings.prompts_dir))
    monkeypatch.setenv("CONSULTBOT_IDENTITY_KEY", settings.identity_key.decode())
    monkeypatch.setenv("CONSULTBOT_SAFEGUARDING_KEY", settings.safeguarding_key.decode())
    for key in ("CONSULTBOT_DATABASE_URL", "CONSULTBOT_SMTP_HOST", "CONSULTBOT_TIMEZONE"):
        monkeypatch.delenv(key, raising=False)
