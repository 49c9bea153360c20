"""Commands for the annotated corpus and the learned extractor: `actorgraph train` and
`actorgraph corpus check|report`. Thin shells over `train` and `corpus`, registered by `cli`."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .terminal import err, fail as _fail, out


def train_command(
        train_dir: Path = typer.Argument(..., help="Annotated texts (NAME.txt + NAME.gold.yaml), e.g. corpus/train."),
        output: Path = typer.Option(..., "--output", "-o", help="The model file to write (.npz)."),
        extra: Annotated[Optional[list[Path]], typer.Option(
            "--extra", help="More annotated folders to train on (may be repeated).")] = None,
        regularisation: Annotated[Optional[float], typer.Option(
            "-C", help="Logistic regression's C (default: chosen by cross-validation).")] = None,
        format: str = typer.Option("text", "--format", help="text or json (the training report).")) -> None:
    """Train the relation model: cross-validation by conflict on the training texts chooses C, the
    calibrations and the default threshold; then the model is fitted on all of them and written.
    Deterministic: the same texts give the same file."""
    from .train import train

    if format not in {"text", "json"}:
        _fail(f"--format must be text or json, not {format!r}")
        raise typer.Exit(2)
    dirs = [train_dir, *(extra or [])]
    with Progress(TextColumn("[bold]train"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=err, transient=False) as progress:
        task = progress.add_task("reading", total=None)
        try:
            report = train(dirs, output, regularisation,
                           on_stage=lambda stage: progress.update(task, description=stage),
                           on_total=lambda n: progress.update(task, total=n),
                           on_progress=lambda name: progress.update(task, advance=1, description=f"parsing {name}"))
        except (ValueError, OSError) as exc:
            progress.stop()
            _fail(str(exc))
            raise typer.Exit(1)
    if format == "json":
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
        return
    cv, rules = report["cv"], report["cv_rules"]
    out.print(f"{output}: {report['documents']} documents, {report['pairs']} candidate pairs, "
              f"{report['features']} features, C={report['C']}, threshold {report['threshold']}, "
              f"{report['seconds']} s", highlight=False, soft_wrap=True)
    out.print(f"cross-validated by conflict: typed P/R/F1 {' '.join(map(str, cv['typed_p_r_f1']))} "
              f"(rules {' '.join(map(str, rules['typed_p_r_f1']))}), modality accuracy {cv['modality_acc']} "
              f"(rules {rules['modality_acc']})", highlight=False, soft_wrap=True)
    out.print(f"corpus {report['corpus_hash'][:16]}", highlight=False)


corpus_app = typer.Typer(help="The project's annotated corpus: check its files, write its report.",
                         no_args_is_help=True)


@corpus_app.command("check")
def corpus_check(root: Path = typer.Argument(Path("corpus"), help="The corpus folder (conflicts.yaml, train/, test/)."),
                 files: Optional[list[Path]] = typer.Argument(None, help="Only these gold files (default: all).")) -> None:
    """Every problem in the corpus, one line each naming the file: the scorer's checks, metadata,
    length, split by conflict, surface forms and near-copies. Exits 1 when there is any."""
    from .corpus import check

    problems = check(root, files or None)
    for line in problems:
        _fail(line)
    if problems:
        raise typer.Exit(1)
    out.print("corpus: no problems", highlight=False)


@corpus_app.command("report")
def corpus_report(root: Path = typer.Argument(Path("corpus"), help="The corpus folder."),
                  output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here (default: print).")) -> None:
    """The corpus report (documents, words, conflicts, genres, relations per predicate and modality)."""
    from .corpus import report

    text = report(root)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
