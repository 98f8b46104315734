"""File → Sync: set the remote (token into the keychain), pull with a merge dialog, push.

Every git operation runs off the GUI thread while a busy indicator shows; a pull that
returns overlapping edits opens :class:`MergeDialog`, and the pull completes (also in the
background) with the PM's choices. The open spec reloads afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QProgressDialog

from align_studio.providers.secrets import Keychain  # imported by Settings already
from align_studio.ui.exchange.job import run_off_gui
from align_studio.ui.exchange.menus import make_action
from align_studio.ui.versions.merge_dialog import MergeDialog
from align_studio.ui.versions.remote_dialog import RemoteDialog
from align_studio.versions import (
    NotARepository,
    SyncError,
    WorkspaceRepo,
    pull,
    push,
    set_remote,
    store_secret,
)
from align_studio.versions.remote import remote_url

if TYPE_CHECKING:
    from align_studio.ui.shell.context import AppContext


def _keychain() -> Any:
    return Keychain()


class SyncController(QObject):
    """The Sync submenu and its background work."""

    sig_synced = Signal(str)
    """A pull or push finished; the message shown in the status bar."""
    sig_pulled = Signal(str)
    """A pull finished (the workspace's files may have changed); its message."""
    sig_failed = Signal(str)
    """A sync operation failed; the message shown to the PM."""
    sig_merge_dialog = Signal(object)
    """The merge dialog is about to be shown (tests answer it through this)."""

    def __init__(self, ctx: AppContext, ensure_saved: Callable[[str], bool],
                 author: Callable[[], str]) -> None:
        """``ensure_saved(doing)`` offers to save unsaved edits first (False: stop);
        ``author()`` is the name written on merges (asked for when missing; "": stop)."""
        super().__init__(ctx)
        self.ctx = ctx
        self.window = window = ctx.window  # the parent of the dialogs
        self._ensure_saved, self._author = ensure_saved, author
        #: Makes the keychain the token goes to (tests pass a private one).
        self.keychain_factory: Callable[[], Any] = _keychain
        self.busy_dialog: QProgressDialog | None = None
        self.set_remote_action = make_action(window, "Set &Remote…", None, None,
                                             "The shared repository and its token")
        self.pull_action = make_action(window, "&Pull", ["Ctrl+Alt+P"], "down",
                                       "Bring in the versions your team pushed")
        self.push_action = make_action(window, "P&ush", ["Ctrl+Alt+U"], "up",
                                       "Send your saved versions to the team")
        self.set_remote_action.triggered.connect(self.set_remote)
        self.pull_action.triggered.connect(self.pull)
        self.push_action.triggered.connect(self.push)
        self.menu = QMenu("S&ync", window)
        for a in (self.set_remote_action, None, self.pull_action, self.push_action):
            self.menu.addSeparator() if a is None else self.menu.addAction(a)
        ctx.action_registry.list_in("&File", [self.pull_action, self.push_action])

    # ---- running ---------------------------------------------------------------------
    def _busy(self, text: str | None) -> None:
        for a in (self.set_remote_action, self.pull_action, self.push_action):
            a.setEnabled(text is None)
        if text is None:
            if self.busy_dialog is not None:
                self.busy_dialog.close()
                self.busy_dialog.deleteLater()
                self.busy_dialog = None
            return
        dlg = QProgressDialog(text, "", 0, 0, self.window)
        dlg.setWindowTitle("Sync")
        dlg.setCancelButton(None)  # a fetch cannot be stopped halfway; it changes nothing
        dlg.setWindowModality(Qt.WindowModality.NonModal)
        dlg.setMinimumDuration(300)
        self.busy_dialog = dlg
        self.ctx.status(text)

    def _run(self, text: str, work: Callable[[], Any], done: Callable[[Any], None],
             title: str) -> None:
        self._busy(text)

        def ok(result: Any) -> None:
            self._busy(None)
            done(result)

        def failed(exc: BaseException) -> None:
            self._busy(None)
            self.ctx.clear_status()
            QMessageBox.warning(self.window, title, str(exc))
            self.sig_failed.emit(str(exc))

        run_off_gui(self.ctx.runner, work, ok, failed, lane="versions")

    # ---- remote ----------------------------------------------------------------------
    def set_remote(self) -> None:
        """Ask for the remote's address and token; store them (token → keychain)."""
        ws = self.ctx.workspace

        def current() -> str:
            try:
                with WorkspaceRepo.open(ws) as repo:
                    return remote_url(repo)
            except (NotARepository, SyncError):
                return ""

        run_off_gui(self.ctx.runner, current, self._ask_remote, lambda _e: self._ask_remote(""),
                    lane="versions")

    def _ask_remote(self, url: str) -> None:
        dialog = RemoteDialog(url, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        new_url, token = dialog.values()
        ws, keychain = self.ctx.workspace, self.keychain_factory()


        def work() -> str:
            with WorkspaceRepo.open(ws, create=True) as repo:
                set_remote(repo, new_url)
            if not token:
                return f"Remote set to {new_url}"
            try:
                store_secret(new_url, token, keychain)
            except Exception as exc:  # noqa: BLE001 - no keychain: say so, keep the address
                return f"Remote set to {new_url}, but the token was not stored: {exc}"
            return f"Remote set to {new_url}; the token is in your keychain"

        self._run("Setting the remote…", work, self._remote_set, "Set Remote")

    def _remote_set(self, message: str) -> None:
        self.ctx.status(message, 8000)
        if "not stored" in message:
            QMessageBox.warning(self.window, "Set Remote", message)

    # ---- pull ------------------------------------------------------------------------
    def pull(self) -> None:
        """Bring the remote's versions in; overlapping edits are chosen in a dialog."""
        if not self._ensure_saved("Pull"):
            return
        author = self._author()
        if not author:
            return

        ws, keychain = self.ctx.workspace, self.keychain_factory()

        def work() -> Any:
            repo = WorkspaceRepo.open(ws)
            try:
                result = pull(repo, author=author, keychain=keychain)
            except BaseException:
                repo.close()
                raise
            if result.status != "conflicts":
                repo.close()
            return result, repo

        self._run("Pulling the team's versions…", work,
                  lambda r: self._pulled(r[0], r[1], author),
                  "Pull")

    def _pulled(self, result: Any, repo: Any, author: str) -> None:
        if result.status != "conflicts":
            self._done(result.message, pulled=True)
            return
        dialog = MergeDialog(result.conflicts, "the remote", self.window)
        self.sig_merge_dialog.emit(dialog)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            repo.close()
            self.ctx.status("Pull cancelled; nothing was changed", 8000)
            return
        choices = dialog.choices()

        def work() -> Any:
            try:
                return result.complete(choices, author)
            finally:
                repo.close()

        self._run("Completing the merge…", work, lambda r: self._done(r.message, pulled=True),
                  "Pull")

    # ---- push ------------------------------------------------------------------------
    def push(self) -> None:
        """Send the saved versions to the remote."""
        ws, keychain = self.ctx.workspace, self.keychain_factory()

        def work() -> str:
            with WorkspaceRepo.open(ws) as repo:
                return push(repo, keychain=keychain)

        self._run("Pushing your versions…", work, self._done, "Push")

    def _done(self, message: str, pulled: bool = False) -> None:
        text = message[:1].upper() + message[1:]
        self.ctx.status(text, 8000)
        if pulled:
            self.sig_pulled.emit(text)
        self.sig_synced.emit(text)
