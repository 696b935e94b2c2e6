"""The hardened sandbox contains a corpus of hostile snippets; legitimate tool code still works."""

import io
import os
import socket
import threading

import numpy as np
import pytest
from PIL import Image

from flywheel.sandbox import WorkerPool
from flywheel.sandbox.hardened import SandboxLimits, run_untrusted
from flywheel.sandbox.static_check import check_code

LIMITS = SandboxLimits(wall_s=4, cpu_s=2, memory_mb=768)
CANARY = "/tmp/flywheel_canary_{}"


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buf, format="PNG")
    return buf.getvalue()


HOSTILE = {
    "infinite loop": "while True:\n    pass",
    "cpu burn": "x = 0\nfor i in range(10**12):\n    x += i",
    "sleep forever": "import time\ntime.sleep(1000)",  # time is not allowed: rejected statically
    "memory bomb bytearray": "x = bytearray(10**11)",
    "memory bomb list": "x = []\nwhile True:\n    x.append('y' * 10**6)",
    "huge output": "print('x' * 10**8)",
    "giant file": "import numpy as np\nnp.zeros(10**8, dtype=np.uint8).tofile('big.bin')",
    "deep recursion": "def f(n):\n    return f(n + 1)\nf(0)",
    "write outside via open": f"open({CANARY.format('open')!r}, 'w').write('x')",
    "write outside via PIL": f"from PIL import Image\nImage.new('RGB', (4, 4)).save({CANARY.format('pil') + '.png'!r})",
    "write outside via numpy": f"import numpy as np\nnp.zeros(3).tofile({CANARY.format('np')!r})",
    "write outside via relative path": "import numpy as np\nnp.zeros(3).tofile('../../tmp/flywheel_canary_rel')",
    "read /etc/passwd via numpy": "import numpy as np\nprint(np.fromfile('/etc/passwd', dtype=np.uint8)[:50])",
    "read ssh keys via PIL": "from PIL import Image\nImage.open('/root/.ssh/id_rsa')",
    "read project source": "import numpy as np\nprint(np.fromfile(__file__))",
    "socket connect": "import socket\ns = socket.create_connection(('127.0.0.1', PORT))",
    "subprocess": "import subprocess\nsubprocess.run(['touch', '/tmp/flywheel_canary_sub'])",
    "os.system": "import os\nos.system('touch /tmp/flywheel_canary_sys')",
    "fork bomb": "import os\nwhile True:\n    os.fork()",
    "dunder import": "__import__('os').system('touch /tmp/flywheel_canary_dunder')",
    "getattr builtins": "getattr(__builtins__, '__import__')('os').system('id')",
    "subclasses walk": "[c for c in ().__class__.__bases__[0].__subclasses__() if c.__name__ == 'Popen']",
    "importlib": "import importlib\nimportlib.import_module('os').system('id')",
    "eval": "eval(\"__import__('os').system('id')\")",
    "exec": "exec('import os')",
    "compile": "compile('1', 'x', 'exec')",
    "globals": "globals()['__builtins__']",
    "sys modules": "import sys\nsys.modules['os'].system('id')",
    "ctypes": "import ctypes\nctypes.CDLL(None).system(b'id')",
    "kill parent": "import os\nos.kill(os.getppid(), 9)",
    "read secrets from environ": "import os\nprint(os.environ)",
    "threading bomb": "import threading\nwhile True:\n    threading.Thread(target=lambda: None).start()",
    "shutil rmtree": "import shutil\nshutil.rmtree('/tmp')",
    "path outside printed": "print('/etc/passwd')",
    "not a png": "import os\np = os.path.join(temp_output_dir, 'x.png')\nimport numpy as np\nnp.zeros(10).tofile(p)\nprint(p)",
    "syntax error": "def (:\n",
    "string dunder trick": "x = '__globals__'",
    "attribute on function": "f = lambda: 0\nprint(f.__globals__)",
    "matplotlib savefig outside": "import matplotlib\nmatplotlib.use('Agg')\nfrom matplotlib.figure import Figure\n"
    "Figure().savefig('/tmp/flywheel_canary_mpl.png')\nprint('/tmp/flywheel_canary_mpl.png')",
    "no output path": "x = 1 + 1",
}


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
                conn, _ = srv.accept()
                hits.append(conn)
            except TimeoutError:
                continue
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield srv.getsockname()[1], hits
    srv.close()


def test_corpus_is_large_enough():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_snippet_is_contained(name, listener, monkeypatch):
    port, hits = listener
    monkeypatch.setenv("OPENAI_API_KEY", "sk-canary-secret")
    code = HOSTILE[name].replace("PORT", str(port))
    res = run_untrusted(code, _png(), LIMITS)
    assert res.ok is False and res.error, name
    assert "sk-canary-secret" not in res.stdout
    assert not hits, "a connection reached the host"
    for leftover in ("open", "pil.png", "np", "rel", "sub", "sys", "dunder", "mpl.png"):
        path = CANARY.format(leftover)
        assert not os.path.exists(path), f"{name} wrote {path}"
    assert os.path.isdir("/tmp")


def test_errors_name_the_problem():
    assert "timed out" in run_untrusted("while True:\n    pass", None, SandboxLimits(wall_s=1.5, cpu_s=5)).error
    assert "CPU time" in run_untrusted("while True:\n    pass", None, SandboxLimits(wall_s=8, cpu_s=1)).error
    assert "memory" in run_untrusted("x = bytearray(10**11)", None, LIMITS).error
    assert "not allowed" in run_untrusted("import socket", None, LIMITS).error
    assert "outside" in run_untrusted("print('/etc/passwd')", None, LIMITS).error
    assert "reading" in run_untrusted("import numpy as np\nnp.fromfile('/etc/passwd')", None, LIMITS).error


def test_legitimate_tool_code_runs_and_edits_the_image():
    code = (
        "import os\nfrom PIL import Image, ImageDraw\n"
        "im = Image.open(image_path).convert('RGB')\n"
        "ImageDraw.Draw(im).line([(0, 0), (63, 63)], fill=(255, 0, 0), width=3)\n"
        "p = os.path.join(temp_output_dir, 'edited.png')\nim.save(p)\nprint(p)\n"
    )
    res = run_untrusted(code, _png(), LIMITS)
    assert res.ok, res.error
    before = np.asarray(Image.open(io.BytesIO(_png())).convert("RGB"))
    after = np.asarray(Image.open(io.BytesIO(res.image_png)).convert("RGB"))
    assert (before != after).any(axis=2).sum() > 50


def test_matplotlib_code_runs():
    code = (
        "import matplotlib\nmatplotlib.use('Agg')\nfrom matplotlib.figure import Figure\n"
        "fig = Figure(figsize=(2, 2))\nfig.add_subplot().plot([0, 1], [1, 0])\n"
        "fig.savefig('plot.png')\nprint('plot.png')\n"
    )
    res = run_untrusted(code, None, SandboxLimits(wall_s=20, cpu_s=10))
    assert res.ok, res.error


def test_flywheel_tool_code_passes_the_static_check():
    from tests.conftest import rendered

    assert check_code(rendered("plane.chord_distance", 1).tool_code) is None


def test_worker_pool_still_works_after_the_corpus():
    with WorkerPool(2) as pool:
        assert dict(pool.imap("tests.sandbox.tasks:square", [3, 4])) == {0: 9, 1: 16}


RUNTIME_ONLY = {
    "socket": ("import socket\nsocket.create_connection(('127.0.0.1', PORT))", "socket"),
    "subprocess": ("import subprocess\nsubprocess.run(['touch', '/tmp/flywheel_canary_sub'])", "subprocess"),
    "os.system": ("import os\nos.system('touch /tmp/flywheel_canary_sys')", "os.system"),
    "fork": ("import os\nos.fork()", "os.fork"),
    "write outside": (f"open({CANARY.format('open')!r}, 'w').write('x')", "writing"),
    "read passwd": ("print(open('/etc/passwd').read())", "reading"),
    "read project source": ("import flywheel\nprint(open(flywheel.__file__).read())", "reading"),
    "ctypes": ("import ctypes\nctypes.CDLL(None).system(b'id')", "ctypes"),
    "rmtree": ("import shutil\nshutil.rmtree('/tmp/nonexistent_dir_x')", "not allowed"),
    "kill": ("import os\nos.kill(os.getppid(), 9)", "os.kill"),
}


@pytest.mark.parametrize("name", sorted(RUNTIME_ONLY))
def test_runtime_layers_hold_without_the_static_check(name, listener, monkeypatch):
    port, hits = listener
    monkeypatch.setenv("OPENAI_API_KEY", "sk-canary-secret")
    code, needle = RUNTIME_ONLY[name]
    res = run_untrusted(code.replace("PORT", str(port)), _png(), LIMITS, static_check=False)
    assert res.ok is False and needle in res.error, res.error
    assert not hits and "root:" not in res.stdout
    assert not any(os.path.exists(CANARY.format(x)) for x in ("open", "sub", "sys"))


def test_environment_has_no_host_secrets(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-canary-secret")
    res = run_untrusted("import os\nprint(dict(os.environ))", None, LIMITS, static_check=False)
    assert "sk-canary-secret" not in res.stdout and "PATH" in res.stdout
