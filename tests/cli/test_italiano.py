"""One language for people: every help text and every usage error of every command is Italian."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from reti_adi.cli import app

from ..conftest import run_cli

ENGLISH = ("Usage:", "Options:", "Commands:", "Show this", "Show the version", "Error:", "Missing", "No such",
           "Try '", "is not", "Invalid value", "[OPTIONS]", "TEXT", "INTEGER", "PATH", "DIRECTORY", "FILENAME",
           "Got unexpected", "does not", "Did you mean", "requires", "Aborted", "default:", "COMMAND")


def _commands() -> list[tuple[str, click.Command]]:
    return sorted(app.commands.items())


def _english(text: str) -> list[str]:
    return [word for word in ENGLISH if word in text]


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args), prog_name="reti-adi", catch_exceptions=False)


def _usage_errors(name: str, command: click.Command) -> list[list[str]]:
    """Every kind of wrong call the command can receive: unknown option, missing argument, bad values."""
    calls = [[name, "--opzione-inesistente"], [name, "a", "b", "c", "d"]]
    required = [p for p in command.params if isinstance(p, click.Argument) and p.required]
    if required:
        calls.append([name])
    for param in command.params:
        if not isinstance(param, click.Option) or param.is_flag or param.hidden:
            continue
        option = max(param.opts, key=len)
        calls.append([name, option])  # the value is missing
        if isinstance(param.type, (click.Choice, click.types._NumberParamTypeBase)) or \
                param.type.name in ("AAAA-MM-GG",):
            calls.append([name, option, "valore-sbagliato"])
    return calls


@pytest.mark.parametrize("name,command", _commands(), ids=[n for n, _ in _commands()])
def test_help_is_italian(name, command):
    result = _invoke(name, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Uso: reti-adi {name} [OPZIONI]")
    assert "Opzioni:" in result.output and "Mostra questo aiuto ed esce." in result.output
    assert not _english(result.output), (_english(result.output), result.output)


@pytest.mark.parametrize("name,command", _commands(), ids=[n for n, _ in _commands()])
def test_every_usage_error_is_italian(name, command):
    for call in _usage_errors(name, command):
        result = _invoke(*call)
        assert result.exit_code == 2, (call, result.output)
        assert "Errore:" in result.output, (call, result.output)
        assert not _english(result.output), (call, _english(result.output), result.output)


def test_group_help_unknown_command_and_version_are_italian():
    result = _invoke("--help")
    assert "Comandi:" in result.output and "Mostra la versione ed esce." in result.output
    assert not _english(result.output), result.output
    result = _invoke("controlla")
    assert result.exit_code == 2 and "Il comando 'controlla' non esiste." in result.output
    assert not _english(result.output), result.output
    proc = run_cli("chek")  # through the real entry point, as a user types it
    assert proc.returncode == 2 and "non esiste" in proc.stderr and not _english(proc.stderr), proc.stderr


def test_root_works_before_and_after_the_command(catalogue_copy):
    before = run_cli("--root", str(catalogue_copy), "check")
    after = run_cli("check", "--root", str(catalogue_copy))
    assert before.returncode == after.returncode == 0, after.stderr
    assert before.stdout == after.stdout


def test_english_option_names_stay_as_hidden_aliases(catalogue_copy, tmp_path):
    assert not re.search(r"--format\b", _invoke("check", "--help").output)
    proc = run_cli("check", str(catalogue_copy), "--format", "json")  # what existing CI files call
    assert proc.returncode == 0 and proc.stdout.startswith("{")
    proc = run_cli("check", str(catalogue_copy), "--formato", "json")
    assert proc.returncode == 0 and proc.stdout.startswith("{")
