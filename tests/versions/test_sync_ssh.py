"""Sharing over SSH: a real sshd on 127.0.0.1 serving a bare repository, two clones, a key
file named in the credentials (the system ``ssh`` and ``git-upload-pack`` do the transport)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from align_studio.storage.specfile import SpecFile
from align_studio.versions.remote import Credentials, set_remote
from align_studio.versions.repo import WorkspaceRepo
from align_studio.versions.save import save_version
from align_studio.versions.sync import clone, pull, push
from tests.tools import SYSTEM_DIRS, missing


def _system(name: str) -> str | None:
    return shutil.which(name, path=SYSTEM_DIRS)


SSHD = _system("sshd") or "/usr/sbin/sshd"
NEEDED = [SSHD, _system("ssh"), _system("ssh-keygen"), _system("git-upload-pack") or _system("git")]


@pytest.fixture(autouse=True)
def _ssh_available() -> None:
    if not all(p and os.path.exists(p) for p in NEEDED) or os.geteuid() != 0:
        missing("needs openssh-server, ssh, git and root (.ci/run installs them)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def ssh_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A private sshd for root on a free loopback port; yields (port, client key file)."""
    root = tmp_path / "sshd"
    root.mkdir()
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        str(root / name)], check=True)
    (root / "authorized_keys").write_text((root / "client.pub").read_text())
    os.chmod(root / "authorized_keys", 0o600)
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege-separation folder
    port = _free_port()
    config = root / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {root / 'host'}\n"
        f"AuthorizedKeysFile {root / 'authorized_keys'}\nPermitRootLogin prohibit-password\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        f"StrictModes no\nPidFile {root / 'sshd.pid'}\nLogLevel ERROR\n")
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"sshd did not start: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
            time.sleep(0.05)
    # The user's own ssh settings decide host keys; here a throwaway known-hosts file.
    os.environ["GIT_SSH_COMMAND"] = (f"ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile="
                                     f"{root / 'known_hosts'} -o BatchMode=yes")
    try:
        yield port, root / "client"
    finally:
        os.environ.pop("GIT_SSH_COMMAND", None)
        proc.terminate()
        proc.wait(timeout=5)


def test_two_clones_share_a_spec_over_ssh(ssh_server: tuple[int, Path], example_spec: Path,
                                          bare_repo: Path, tmp_path: Path) -> None:
    port, key = ssh_server
    url = f"ssh://root@127.0.0.1:{port}{bare_repo}"
    creds = Credentials(key_filename=str(key))
    save_version(example_spec, "First version", "Ana")
    a = WorkspaceRepo.open(example_spec.parent)
    set_remote(a, url)
    push(a, credentials=creds)
    b = clone(url, str(tmp_path / "b"), credentials=creds)
    spec_b = b.workspace / example_spec.name
    assert spec_b.read_bytes() == example_spec.read_bytes()

    sf = SpecFile.load(example_spec)
    sf.spec.behaviors[0].statement = "Edited by A over SSH"
    sf.save()
    save_version(example_spec, "A edits over SSH", "Ana")
    push(a, credentials=creds)
    sf = SpecFile.load(spec_b)
    sf.spec.cases[0].title = "Edited by B"
    sf.save()
    save_version(spec_b, "B edits a case", "Ben")
    result = pull(b, author="Ben", credentials=creds)
    assert result.status == "merged", result.message
    merged = SpecFile.load(spec_b).spec
    assert merged.behaviors[0].statement == "Edited by A over SSH"
    assert merged.cases[0].title == "Edited by B"
    push(b, credentials=creds)
    assert pull(a, author="Ana", credentials=creds).status == "fast-forward"
    assert example_spec.read_bytes() == spec_b.read_bytes()


def test_ssh_without_the_key_is_refused_clearly(ssh_server: tuple[int, Path],
                                                example_spec: Path, bare_repo: Path) -> None:
    from align_studio.versions.remote import SyncError

    port, _key = ssh_server
    save_version(example_spec, "First version", "Ana")
    a = WorkspaceRepo.open(example_spec.parent)
    set_remote(a, f"ssh://root@127.0.0.1:{port}{bare_repo}")
    with pytest.raises(SyncError) as err:
        push(a, credentials=Credentials(key_filename=str(bare_repo / "no-such-key")))
    assert "127.0.0.1" in str(err.value)
