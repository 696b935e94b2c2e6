"""The hardened sandbox contains a corpus of hostile snippets; legitimate tool code still works."""

import ctypes
import io
import os
import socket
import threading

import numpy as np
import pytest
from PIL import Image

import flywheel.sandbox.hardened as hardened_module
from flywheel.run.pool import WorkerPool
from flywheel.sandbox.hardened import SandboxLimits, run_untrusted
from flywheel.sandbox.static_check import check_code

# The wall clock is generous: under load an import of matplotlib alone can take seconds, and a snippet
# must be stopped for the reason it tests (CPU time, memory, a denied write), not by the clock.
LIMITS = SandboxLimits(wall_s=10, cpu_s=2, memory_mb=512)
SHORT = SandboxLimits(wall_s=1.5, cpu_s=5, memory_mb=512)  # the wall clock fires first
CANARY = "/tmp/flywheel_canary_{}"
EXISTING = CANARY.format(f"existing_{os.getpid()}")  # created by the test; must keep its content
SECRET = "sk-canary-secret-4242"
SOURCE = hardened_module.__file__
PIL_HEAD = "from PIL import Image\nimport os\n"

# name -> (code, a fragment the error must contain[, limits]); PORT is the test's listener.
HOSTILE = {
    "infinite loop": ("while True:\n    pass", "timed out", SHORT),
    # Under load the wall clock may run out before the CPU limit: either way it is stopped.
    "cpu burn under the wall limit": ("x = 0\nfor i in range(10**12):\n    x += i", ("CPU time", "wall clock")),
    "sleep forever": ("import time\ntime.sleep(1000)", "import of 'time'"),
    "memory bomb bytearray": ("x = bytearray(10**10)", "memory"),
    "memory bomb list growth": ("x = []\nwhile True:\n    x.append('y' * 10**6)", "memory"),
    "memory bomb numpy": ("import numpy as np\nx = np.ones((10**5, 10**5))", "memory"),
    "huge output": ("print('x' * 10**8)", "file size"),
    "output flood": ("for i in range(10**6):\n    print(i)", "output too large"),
    "giant file": ("import numpy as np\nnp.zeros(10**8, dtype=np.uint8).tofile('big.bin')", "file size"),
    "deep recursion": ("def f(n):\n    return f(n + 1)\nf(0)", "RecursionError"),
    "write outside via open": (f"open({CANARY.format('open')!r}, 'w').write('x')", "writing"),
    "overwrite an existing file": (f"open({EXISTING!r}, 'w').write('pwned')", "writing"),
    "append to an existing file": (f"open({EXISTING!r}, 'a').write('pwned')", "writing"),
    "write outside via PIL save": (PIL_HEAD + f"Image.new('RGB', (4, 4)).save({CANARY.format('pil.png')!r})", "writing"),
    "write outside via os.path tricks": (
        PIL_HEAD + "p = os.path.join(temp_output_dir, os.path.pardir, 'flywheel_canary_join.png')\n"
        "Image.new('RGB', (4, 4)).save(p)\nprint(p)", "writing"),
    "write outside via relative ..": (
        "import numpy as np\nnp.zeros(3).tofile('../flywheel_canary_rel')", "writing"),
    "write outside via matplotlib": (
        "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.savefig('/tmp/flywheel_canary_mpl.png')", "writing"),
    "read /etc/passwd": ("print(open('/etc/passwd').read())", "reading"),
    "read ssh keys": (PIL_HEAD + "Image.open('/root/.ssh/id_rsa')", "reading"),
    "read the project's source": (f"print(open({SOURCE!r}).read())", "reading"),
    "read a host process environment": ("print(open('/proc/1/environ').read())", "reading"),
    "read /etc/shadow through FreeType (C-level open)": (
        "from PIL import ImageFont\nImageFont.truetype('/etc/shadow', 10)", "OSError"),
    "socket to a host listener": ("import socket\nsocket.create_connection(('127.0.0.1', PORT))", "'socket'"),
    "subprocess": ("import subprocess\nsubprocess.run(['touch', '/tmp/flywheel_canary_sub'])", "'subprocess'"),
    "os.system": ("import os\nos.system('touch /tmp/flywheel_canary_sys')", "os.system"),
    "fork bomb": ("import os\nwhile True:\n    os.fork()", "os.fork"),
    "fork via a module's os attribute": ("from PIL import Image\nwhile True:\n    Image.os.fork()", "'os'"),
    "os renamed": ("import os as o\no.system('id')", "renaming os"),
    "os passed around": ("import os\nm = [os][0]\nm.system('id')", "os may only be used"),
    "environ via a module attribute": ("from PIL import Image\nprint(Image.os.environ)", "'os'"),
    "__import__": ("__import__('os').system('touch /tmp/flywheel_canary_dunder')", "'__import__'"),
    "getattr on builtins": ("getattr(__builtins__, '__import__')('os').system('id')", "'getattr'"),
    "subclasses walk": ("[c for c in ().__class__.__bases__[0].__subclasses__() if c.__name__ == 'Popen']",
                        "'__class__'"),
    "generator frame to builtins": (
        "g = (x for x in [1])\ng.gi_frame.f_builtins['_' + '_import_' + '_']('os').system('id')", "'gi_frame'"),
    "string.Formatter as getattr": (
        "import string\nstring.Formatter().get_field('0._' + '_class_' + '_', [1], {})", "'Formatter'"),
    "type() with a computed dunder": ("T = type('T', (), {'_' + '_array_interface_' + '_': {}})", "'type'"),
    "numpy as_strided (unchecked memory)": ("from numpy.lib.stride_tricks import as_strided", "as_strided"),
    "numpy unpickling": ("import numpy as np\nnp.load('x.npy', allow_pickle=True)", "allow_pickle"),
    "PIL ImageMath eval": ("from PIL import ImageMath\nImageMath.unsafe_eval('1')", "ImageMath"),
    "importlib": ("import importlib\nimportlib.import_module('os').system('id')", "'importlib'"),
    "eval": ("eval(\"__import__('os').system('id')\")", "'eval'"),
    "exec": ("exec('import os')", "'exec'"),
    "compile": ("compile('1', 'x', 'exec')", "'compile'"),
    "globals()['__builtins__']": ("globals()['__builtins__']", "'globals'"),
    "sys.modules": ("import sys\nsys.modules['os'].system('id')", "'sys'"),
    "ctypes": ("import ctypes\nctypes.CDLL(None).system(b'id')", "'ctypes'"),
    "signal": ("import signal\nsignal.raise_signal(9)", "'signal'"),
    "kill the parent": ("import os\nos.kill(os.getppid(), 9)", "os.kill"),
    "secrets from os.environ": ("import os\nprint(os.environ)", "os.environ"),
    "threading bomb": ("import threading\nwhile True:\n    threading.Thread(target=print).start()", "'threading'"),
    "shutil.rmtree": ("import shutil\nshutil.rmtree('/tmp')", "'shutil'"),
    "fullwidth homoglyph eval": ("\uff45\uff56\uff41\uff4c('1')", "'eval'"),
    "fullwidth homoglyph dunder": ("x = ().__\uff43\uff4c\uff41\uff53\uff53__", "'__class__'"),
    "printed path outside the dir": ("print('/etc/passwd')", "outside"),
    "printed relative path escaping the dir": ("print('../../etc/passwd')", "outside"),
    "printed path that does not exist": ("import os\nprint(os.path.join(temp_output_dir, 'nope.png'))", "not a file"),
    "non-PNG result": ("import numpy as np\np = 'x.png'\nnp.zeros(10).tofile(p)\nprint(p)", "not a PNG"),
    "no path printed": ("x = 1 + 1", "printed no path"),
    "syntax error": ("def (:\n", "syntax error"),
}
LEFTOVERS = [CANARY.format(x) for x in ("open", "pil.png", "rel", "sub", "sys", "dunder", "mpl.png", "join.png")]


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def listener():
    """A real TCP listener on loopback: nothing from the sandbox may reach it."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(0.2)
    hits = []

    def accept():
        while True:
            try:
                hits.append(srv.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield srv.getsockname()[1], hits
    srv.close()


@pytest.fixture
def host(listener, monkeypatch):
    """A host with a secret in its environment and a file the sandbox must not change."""
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with open(EXISTING, "w") as fh:
        fh.write("original")
    yield listener
    with open(EXISTING) as fh:
        assert fh.read() == "original", "an existing host file was changed"
    os.unlink(EXISTING)
    assert not listener[1], "a connection reached the host"
    assert not [p for p in LEFTOVERS if os.path.exists(p)], "the sandbox wrote outside its dir"
    assert os.path.isdir("/tmp") and os.path.isfile(SOURCE)


def _contained(res, needle: str | tuple[str, ...]) -> None:
    assert res.ok is False and res.error and res.image_png is None
    assert any(n in res.error for n in (needle if isinstance(needle, tuple) else (needle,))), res.error
    assert "\n" not in res.error
    assert SECRET not in res.stdout and SECRET not in res.error
    assert "root:" not in res.stdout  # /etc/passwd never comes back


def test_corpus_is_large_enough():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_snippet_is_contained(name, host):
    port, _ = host
    code, needle, *limits = HOSTILE[name]
    _contained(run_untrusted(code.replace("PORT", str(port)), _png(), *limits or [LIMITS]), needle)


# The same attacks with the static check switched off: the OS limits and the audit hook must hold.
RUNTIME_ONLY = {
    "socket to a host listener": ("import socket\nsocket.create_connection(('127.0.0.1', PORT))", "socket"),
    "subprocess": ("import subprocess\nsubprocess.run(['touch', '/tmp/flywheel_canary_sub'])", "subprocess"),
    "os.system": ("import os\nos.system('touch /tmp/flywheel_canary_sys')", "os.system"),
    "fork": ("import os\nos.fork()", "os.fork"),
    "frame escape then os.system": (
        "g = (x for x in [1])\ng.gi_frame.f_builtins['__import__']('os').system('touch /tmp/flywheel_canary_sys')",
        "os.system"),
    "write outside": (f"open({CANARY.format('open')!r}, 'w').write('x')", "writing"),
    "overwrite an existing file": (f"import io\nio.open({EXISTING!r}, 'w').write('pwned')", "writing"),
    "read /etc/passwd": ("print(open('/etc/passwd').read())", "reading"),
    "read the project's source": ("import flywheel\nprint(open(flywheel.__file__).read())", "reading"),
    "ctypes": ("import ctypes\nctypes.CDLL(None).system(b'id')", "ctypes"),
    "shutil.rmtree": ("import shutil\nshutil.rmtree('/tmp')", "not allowed"),
    "kill the parent": ("import os\nos.kill(os.getppid(), 9)", "os.kill"),
    "sleep forever": ("import time\ntime.sleep(1000)", "timed out"),
    "threading bomb": (
        "import threading, time\nfor _ in range(10**5):\n    threading.Thread(target=time.sleep, args=(9,)).start()",
        ("thread", "memory", "aborted", "timed out")),
    "signal to itself": ("import signal\nsignal.raise_signal(signal.SIGTERM)", "signal 15"),
}


@pytest.mark.parametrize("name", list(RUNTIME_ONLY))
def test_runtime_layers_hold_without_the_static_check(name, host):
    port, _ = host
    code, needle = RUNTIME_ONLY[name]
    limits = SHORT if "sleep" in code else LIMITS
    _contained(run_untrusted(code.replace("PORT", str(port)), _png(), limits, static_check=False), needle)


def test_environment_has_no_host_secrets(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    res = run_untrusted("import os\nprint(dict(os.environ))", None, LIMITS, static_check=False)
    assert SECRET not in res.stdout and "OPENAI" not in res.stdout and "PATH" in res.stdout


def _namespaces_permitted() -> bool:
    pid = os.fork()
    if pid == 0:
        os._exit(0 if ctypes.CDLL(None).unshare(0x00020000) == 0 else 1)
    return os.waitpid(pid, 0)[1] == 0


@pytest.mark.skipif(os.geteuid() != 0 or not _namespaces_permitted(), reason="needs root and mount namespaces")
def test_code_runs_as_an_unprivileged_uid_with_no_capabilities():
    res = run_untrusted("import os\nprint(os.getuid())\nprint(open('/proc/self/status').read())", None, LIMITS,
                        static_check=False)  # /proc is refused by the hook: the uid line comes first
    assert res.stdout.splitlines()[0] != "0", res.stdout


def test_legitimate_tool_code_runs_and_edits_the_image():
    code = (
        "import os\nfrom PIL import Image, ImageDraw\n"
        "im = Image.open(image_path).convert('RGB')\n"
        "ImageDraw.Draw(im).line([(0, 0), (63, 63)], fill=(255, 0, 0), width=3)\n"
        "p = os.path.join(temp_output_dir, 'edited.png')\nim.save(p)\nprint(p)\n"
    )
    res = run_untrusted(code, _png(), LIMITS)
    assert res.ok, res.error
    assert res.image_path.endswith("edited.png") and res.error is None
    before = np.asarray(Image.open(io.BytesIO(_png())).convert("RGB"))
    after = np.asarray(Image.open(io.BytesIO(res.image_png)).convert("RGB"))
    assert (before != after).any(axis=2).sum() > 50


def test_matplotlib_code_runs():
    code = (
        "import matplotlib.pyplot as plt\nimport numpy as np\nfig, ax = plt.subplots(figsize=(2, 2))\n"
        "x = np.linspace(0, 6, 50)\nax.plot(x, np.sin(x))\nax.set_title('sin')\n"
        "fig.savefig('plot.png')\nprint('plot.png')\n"
    )
    res = run_untrusted(code, None, SandboxLimits(wall_s=20, cpu_s=10, memory_mb=512))
    assert res.ok, res.error
    assert Image.open(io.BytesIO(res.image_png)).size == (200, 200)


def test_flywheel_generated_code_passes_and_runs():
    from tests.conftest import rendered

    r = rendered("plane.chord_distance", 1)
    assert check_code(r.tool_code) is None and check_code(r.image_code) is None
    fig = run_untrusted(r.image_code, None, SandboxLimits(wall_s=20, cpu_s=10), expect_file="image.png")
    assert fig.ok, fig.error
    tool = run_untrusted(r.tool_code, fig.image_png, SandboxLimits(wall_s=20, cpu_s=10))
    assert tool.ok and tool.image_png != fig.image_png, tool.error


def test_worker_pool_still_works_after_the_corpus():
    with WorkerPool(2) as pool:
        assert dict(pool.imap("tests.run.pool_tasks:square", [3, 4])) == {0: 9, 1: 16}
