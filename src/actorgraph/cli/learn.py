"""Commands for annotated texts and the learned extractor: `actorgraph eval`, `actorgraph train` and
`actorgraph corpus check|report`, thin shells over the learn stage."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .common import MinConfidence, ModelFile, RulesOnly, err, extract_options, fail, out


def train_command(
        train_dir: Path = typer.Argument(..., help="Annotated texts (NAME.txt + NAME.gold.yaml), e.g. corpus/train."),
        output: Path = typer.Option(..., "--output", "-o", help="The model file to write (.npz)."),
        extra: Annotated[Optional[list[Path]], typer.Option(
            "--extra", help="More annotated folders to train on (may be repeated).")] = None,
        extra_weight: float = typer.Option(
            1.0, "--extra-weight", help="How much each --extra text counts against one training text in fitting "
                                        "(an analyst's judged documents may count more)."),
        regularisation: Annotated[Optional[float], typer.Option(
            "-C", help="Logistic regression's C (default: chosen by cross-validation).")] = None,
        format: str = typer.Option("text", "--format", help="text or json (the training report).")) -> None:
    """Train the relation model: cross-validation by conflict on the training texts chooses C, the
    calibrations and the default threshold; then the model is fitted on all of them and written.
    Deterministic: the same texts give the same file."""
    from ..learn.train import train

    if format not in {"text", "json"}:
        fail(f"--format must be text or json, not {format!r}")
        raise typer.Exit(2)
    dirs = [train_dir, *(extra or [])]
    with Progress(TextColumn("[bold]train"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=err, transient=False) as progress:
        task = progress.add_task("reading", total=None)
        try:
            report = train(dirs, output, regularisation, extra_weight=extra_weight,
                           on_stage=lambda stage: progress.update(task, description=stage),
                           on_total=lambda n: progress.update(task, total=n),
                           on_progress=lambda name: progress.update(task, advance=1, description=f"parsing {name}"))
        except (ValueError, OSError) as exc:
            progress.stop()
            fail(str(exc))
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
    from ..learn.corpus import check

    problems = check(root, files or None)
    for line in problems:
        fail(line)
    if problems:
        raise typer.Exit(1)
    out.print("corpus: no problems", highlight=False)


@corpus_app.command("report")
def corpus_report(root: Path = typer.Argument(Path("corpus"), help="The corpus folder."),
                  output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here (default: print).")) -> None:
    """The corpus report (documents, words, conflicts, genres, relations per predicate and modality)."""
    from ..learn.corpus import report

    text = report(root)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def evaluate(
        gold_dir: Optional[Path] = typer.Argument(
            None, help="A folder of NAME.gold.yaml files (each beside its NAME.txt), or one gold file."),
        predictions: Optional[Path] = typer.Option(
            None, "--predictions", help="Score this JSONL file (the extract contract) instead of running the extractor."),
        format: str = typer.Option("text", "--format", help="text or json."),
        show_errors: bool = typer.Option(False, "--show-errors", help="Also list missed and spurious facts."),
        template: Optional[Path] = typer.Option(
            None, "--template", help="Write FILE.gold.yaml beside FILE.txt from current predictions, to correct by hand."),
        min_confidence: MinConfidence = None, rules_only: RulesOnly = False, model: ModelFile = None) -> None:
    """Score relations against gold annotations: the reference scorer's four figures, then tables.

    A malformed line in --predictions is reported as FILE:LINE and the command exits 1 without
    scoring: figures from part of a file would look like a real result. With --template, only the
    template is written (GOLD_DIR is not needed)."""
    from ..learn.evaluate import load_gold, load_predictions, predict, render, score, write_template

    if format not in {"text", "json"}:
        fail(f"--format must be text or json, not {format!r}")
        raise typer.Exit(2)
    if template is None and gold_dir is None:
        fail("give a GOLD_DIR to score (or --template FILE.txt to draft a gold file)")
        raise typer.Exit(2)
    options = extract_options(min_confidence, rules_only, model)
    try:
        if template is not None:
            out.print(str(write_template(template)), highlight=False, markup=False, soft_wrap=True)
            return
        golds = load_gold(gold_dir)
        if predictions is not None:
            by_doc = load_predictions(predictions, golds)
        else:
            with Progress(TextColumn("[bold]eval"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          TextColumn("{task.description}"), console=err, transient=False) as progress:
                task = progress.add_task("reading", total=None)
                by_doc = predict(gold_dir, golds, options=options,
                                 on_total=lambda n: progress.update(task, total=n, description=""),
                                 on_progress=lambda name: progress.update(task, advance=1, description=name))
    except (ValueError, OSError) as exc:
        fail(str(exc))
        raise typer.Exit(1)
    result = score(golds, by_doc)
    if format == "json":
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False) + "\n")
        return
    for item in render(result, show_errors):
        if isinstance(item, str):
            out.print(item, highlight=False, markup=False, soft_wrap=True)
        else:
            out.print(item)
