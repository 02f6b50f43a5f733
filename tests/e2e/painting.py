"""How WebKit paints the app on this machine, decided as src-tauri/src/rendering.rs decides it
(shared by the tests and the benchmarks)."""

import os
from pathlib import Path


def machine_has_gpu() -> bool:
    """A DRM render node or the NVIDIA device: what rendering.rs takes for a GPU."""
    return bool(list(Path("/dev/dri").glob("renderD*"))) or Path("/dev/nvidia0").exists()


def paints_without_compositing() -> bool:
    """True when the app's WebKit paints on the CPU: the person's own
    WEBKIT_DISABLE_COMPOSITING_MODE says so (any value but "0", as WebKit reads it), or, when it
    is not set, the machine has no GPU and the app turns compositing off itself."""
    setting = os.environ.get("WEBKIT_DISABLE_COMPOSITING_MODE")
    return setting != "0" if setting is not None else not machine_has_gpu()
