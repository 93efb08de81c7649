"""`dibao init`, `serve`, `worker` and `tick`: the database and processes/ ready, the web server (gunicorn,
web.serving; `--dev` Flask's; `--with-worker` with the background worker in a thread), the background worker
as a process of its own, and one pass over the due timers."""

from __future__ import annotations

import logging
import os
import signal
import threading

import click

from engine.clock import china_today
from engine.context import Context
from engine.queries.status import calendar_warnings
from engine.services import bootstrap, timers
from engine.services import worker as worker_loop
from engine.settings import Settings
from web.cli.support import cli_context

log = logging.getLogger("dibao.worker")


@click.command("init")
@click.option("--demo", is_flag=True, help="同时创建示范机构与示范用户")
def init(demo: bool) -> None:
    """创建/升级数据库结构并部署 processes/。"""
    with cli_context() as ctx:
        result = bootstrap.init(ctx, demo=demo)
        new = [d for d in result.deployed if d.new]
        click.echo(f"数据库已就绪；新部署 {len(new)} 个流程版本，共 {len(result.deployed)} 个流程")
        if result.key.created:
            click.echo(f"已生成审计链密钥：{result.key.key_file}（权限 0600；请另行备份，不要与数据库放在一起）")
        if result.key.resealed:
            click.echo(
                f"已用密钥重新封存原有审计链：第 1–{result.key.resealed} 号事件"
                f"（原链尾哈希 {result.key.old_head_hash}）"
            )
        if demo:
            click.echo(f"示范数据：新建 {result.demo_users_created} 个用户（密码 {bootstrap.DEMO_PASSWORD}）")
        year = china_today().year  # the Beijing year on the engine's clock, as the dashboard counts it
        for warning in calendar_warnings(ctx, [year, year + 1]):
            click.echo(f"警告：{warning}", err=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--dev", is_flag=True, help="用 Flask 的开发服务器（仅供开发调试）")
@click.option("--with-worker", is_flag=True, help="在网页进程内同时运行后台任务（定时器、提醒与通知发送）")
def serve(host: str, port: int, dev: bool, with_worker: bool) -> None:
    """启动网页服务（gunicorn；进程数与线程数见 DIBAO_WEB_WORKERS / DIBAO_WEB_THREADS）。"""
    if dev:
        _serve_dev(host, port, with_worker)
        return
    from web import serving  # the whole app: only this command needs it

    settings = Settings.from_env()
    try:
        plan = serving.plan(settings, host, port, with_worker=with_worker)
    except serving.ServeRefused as refused:
        raise click.UsageError(str(refused)) from None
    if serving.ensure_shared_secret() and not settings.demo:
        click.echo("警告：未设置 DIBAO_SECRET_KEY，本次随机生成；重启后所有人需重新登录", err=True)
    click.echo(plan.describe())
    serving.run(plan)


def _serve_dev(host: str, port: int, with_worker: bool) -> None:
    from web import create_app

    ctx = Context.from_settings()
    stop = threading.Event()
    thread = threading.Thread(target=worker_loop.run_worker, args=(ctx, stop), name="dibao-worker", daemon=True)
    if with_worker:
        thread.start()
    click.echo(f"低保审批系统（开发服务器）：http://{host}:{port}/" + ("，后台任务在进程内运行" if with_worker else ""))
    try:
        create_app(ctx).run(host=host, port=port, threaded=True)
    finally:
        stop.set()
        if with_worker:
            thread.join(timeout=10)


@click.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="没有待办的后台工作时的轮询间隔（秒）")
def worker(interval: float) -> None:
    """持续处理到期定时器、提醒规则和待发送的通知（PostgreSQL 上可同时运行多个）。SIGTERM / Ctrl-C：做完本轮后退出。"""
    ctx = Context.from_settings()
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("后台任务进程收到 %s，本轮结束后退出", signal.Signals(signum).name)
        stop.set()

    # The loop checks `stop` between rounds and while it waits: a round in progress finishes and commits.
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    log.info("后台任务进程已启动（进程 %s）", os.getpid())
    click.echo(f"后台任务进程已启动（进程 {os.getpid()}），SIGTERM 或 Ctrl-C 在本轮结束后退出")
    try:
        worker_loop.run_worker(ctx, stop, interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        ctx.close()
        log.info("后台任务进程已停止（进程 %s）", os.getpid())
        click.echo("后台任务进程已停止")


@click.command("tick")
def tick() -> None:
    """处理当前所有到期定时器一次，输出处理数量。"""
    with cli_context() as ctx:
        click.echo(timers.tick(ctx))
