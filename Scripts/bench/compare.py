"""Time the convkit-bench workloads with OpenCV, scipy.ndimage, PyTorch and libvips, and
print one table with ConvKit's time divided by each peer's.

Run through compare.sh, which builds convkit-bench, runs it with --json and passes its
output here. Every peer is timed in this process (libvips and the OpenCV script as child
processes), right after ConvKit, on the same machine.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np
import scipy
import scipy.ndimage as ndimage
import torch
import torch.nn.functional as F


def median_ms(function, runs):
    """Return the median wall-clock milliseconds of `runs` calls after one warm-up call."""
    function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    middle = len(times) // 2
    return times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2


def gaussian_1d(size, sigma):
    """Return the 1D Gaussian whose outer product is ConvKit's Kernel.gaussian."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-(x * x) / (2 * sigma * sigma))
    return g / g.sum()


def kernels():
    """Return the float32 2D kernels of the image workloads, by workload name."""
    g5 = gaussian_1d(5, 1.0)
    g15 = gaussian_1d(15, 3.0)
    return {
        "sobel-x-3x3": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32),
        "sharpen-3x3": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], np.float32),
        "gaussian-5x5": np.outer(g5, g5).astype(np.float32),
        "gaussian-15x15": np.outer(g15, g15).astype(np.float32),
        "box-31x31": np.full((31, 31), 1 / 961, np.float32),
        "random-7x7": pseudo_random_kernel(7, seed=3),
        "random-31x31": pseudo_random_kernel(31, seed=4),
    }


def pseudo_random_kernel(size, seed):
    """Return convkit-bench's random kernel: its xorshift pseudoRandomFloats minus 0.5."""
    state = seed | 1
    values = []
    for _ in range(size * size):
        state ^= (state << 13) & 0xFFFFFFFFFFFFFFFF
        state ^= state >> 7
        state ^= (state << 17) & 0xFFFFFFFFFFFFFFFF
        values.append(np.float32((state >> 40) / float(1 << 24)) - np.float32(0.5))
    return np.array(values, np.float32).reshape(size, size)


def opencv_functions(name, kernel, image, output):
    """OpenCV's functions for a workload, each writing into the preallocated `output`."""
    border = cv2.BORDER_REFLECT_101
    functions = {
        "filter2D": lambda: cv2.filter2D(image, -1, kernel, dst=output, borderType=border)
    }
    if name == "sobel-x-3x3":
        functions["Sobel"] = lambda: cv2.Sobel(image, cv2.CV_32F, 1, 0, dst=output, ksize=3, borderType=border)
    if name.startswith("gaussian"):
        size, sigma = (5, 1.0) if name == "gaussian-5x5" else (15, 3.0)
        g = gaussian_1d(size, sigma).astype(np.float32)
        functions["GaussianBlur"] = lambda: cv2.GaussianBlur(image, (size, size), sigma, dst=output, borderType=border)
        functions["sepFilter2D"] = lambda: cv2.sepFilter2D(image, -1, g, g, dst=output, borderType=border)
    if name == "box-31x31":
        ones = np.full(31, 1 / 31, np.float32)
        functions["blur"] = lambda: cv2.blur(image, (31, 31), dst=output, borderType=border)
        functions["sepFilter2D"] = lambda: cv2.sepFilter2D(image, -1, ones, ones, dst=output, borderType=border)
    if name in ("gaussian-15x15", "box-31x31"):
        # The non-separable 2D loop takes about a second here; it is not OpenCV's choice.
        del functions["filter2D"]
    return functions


def scipy_function(name, kernel, planar):
    """scipy.ndimage's function for a workload on [C, H, W] data (mode 'mirror' is
    reflect101); single-threaded."""
    if name.startswith("gaussian"):
        size, sigma = (5, 1.0) if name == "gaussian-5x5" else (15, 3.0)
        return "gaussian_filter", lambda: ndimage.gaussian_filter(
            planar, sigma=(0, sigma, sigma), mode="mirror", truncate=(size // 2) / sigma)
    if name == "box-31x31":
        return "uniform_filter", lambda: ndimage.uniform_filter(planar, size=(1, 31, 31), mode="mirror")
    return "correlate", lambda: ndimage.correlate(planar, kernel[None], mode="mirror")


def torch_function(kernel, planar, channels_last):
    """PyTorch's depthwise conv2d with reflect padding (reflect is reflect101)."""
    k = kernel.shape[0]
    x = torch.from_numpy(planar)[None]
    weight = torch.from_numpy(np.repeat(kernel[None, None], 3, axis=0))
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
        weight = weight.contiguous(memory_format=torch.channels_last)

    def run():
        with torch.no_grad():
            padded = F.pad(x, (k // 2,) * 4, mode="reflect")
            return F.conv2d(padded, weight, groups=3)

    return run


def gradient_step(size):
    """PyTorch's forward conv2d and backward pass for convkit-bench's gradient workload."""
    x = torch.rand(1, 3, size, size, requires_grad=True)
    w = (torch.rand(3, 3, 3, 3) - 0.5).requires_grad_()
    b = torch.tensor([0.1, -0.1, 0.0], requires_grad=True)
    target = torch.rand(1, 3, size, size)

    def run():
        x.grad = w.grad = b.grad = None
        out = F.conv2d(x, w, b, padding=1)
        (0.5 * ((out - target) ** 2).sum()).backward()

    return run


def run_process(arguments):
    """Run a command; return (milliseconds, peak resident MB).

    The peak comes from GNU time (/usr/bin/time -f %M) running the command, because a child
    forked from this large Python process would report this process's size as its own."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as peak:
        command = ["/usr/bin/time", "-f", "%M", "-o", peak.name] + arguments
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = (time.perf_counter() - start) * 1000
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(arguments)} failed: {result.stderr.decode()}")
        return elapsed, int(peak.read().split()[-1]) / 1024


OPENCV_SCRIPT = """
import sys, cv2, numpy as np
image = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
if sys.argv[3] == "sobel":
    x = image.astype(np.float32) / 255
    gx = cv2.Sobel(x, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(x, cv2.CV_32F, 0, 1, ksize=3)
    result = np.clip(cv2.magnitude(gx, gy) * 255 + 0.5, 0, 255).astype(np.uint8)
else:
    result = cv2.GaussianBlur(image, (7, 7), 1.0)
cv2.imwrite(sys.argv[2], result)
"""


def end_to_end(png, runs):
    """Whole-process times and peaks of libvips and of a Python script with OpenCV."""
    rows = {}
    output = os.path.join(tempfile.gettempdir(), "convkit-compare-out.png")
    script = os.path.join(tempfile.gettempdir(), "convkit-compare-opencv.py")
    with open(script, "w") as file:
        file.write(OPENCV_SCRIPT)
    commands = {
        "png-sobel": {
            "vips sobel": ["vips", "sobel", png, output],
            "python + OpenCV": [sys.executable, script, png, output, "sobel"],
        },
        "png-gaussian": {
            "vips gaussblur": ["vips", "gaussblur", png, output, "1"],
            "python + OpenCV": [sys.executable, script, png, output, "gaussian"],
        },
    }
    for workload, peers in commands.items():
        for peer, command in peers.items():
            results = [run_process(command) for _ in range(runs)]
            times = sorted(r[0] for r in results)
            rows[(workload, peer)] = (times[len(times) // 2], max(r[1] for r in results))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("convkit_json", help="output of convkit-bench --json")
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--gradient-size", type=int, default=512)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--slow-runs", type=int, default=3, help="runs for scipy, PyTorch and end to end")
    parser.add_argument("--png", default=None, help="the end-to-end PNG (default: convkit-bench's)")
    parser.add_argument("--no-png", action="store_true")
    options = parser.parse_args()
    threads = [int(t) for t in options.threads.split(",")]

    convkit = {}
    with open(options.convkit_json) as file:
        for line in file:
            if line.strip():
                row = json.loads(line)
                convkit[(row["workload"], row["threads"])] = row

    size = options.size
    rng = np.random.default_rng(1)
    planar = rng.random((3, size, size), dtype=np.float32)
    interleaved = np.ascontiguousarray(planar.transpose(1, 2, 0))
    output = np.empty_like(interleaved)

    table = []  # (workload, threads, peer, peer ms, convkit ms, peak MB)
    for name, kernel in kernels().items():
        for count in threads:
            cv2.setNumThreads(count)
            torch.set_num_threads(count)
            ours = convkit.get((name, count), {}).get("median_ms")
            for function_name, function in opencv_functions(name, kernel, interleaved, output).items():
                table.append((name, count, f"OpenCV {function_name}", median_ms(function, options.runs), ours, None))
            if count == 1 and name != "random-31x31":
                # scipy's correlate of a 31x31 kernel takes about a minute here.
                scipy_name, function = scipy_function(name, kernel, planar)
                table.append((name, count, f"scipy {scipy_name}", median_ms(function, options.slow_runs), ours, None))
            if kernel.shape[0] <= 7:
                for channels_last in (False, True):
                    label = "PyTorch conv2d" + (" channels-last" if channels_last else "")
                    function = torch_function(kernel, planar, channels_last)
                    table.append((name, count, label, median_ms(function, options.slow_runs), ours, None))

    gradient_name = f"gradient-3x3-{options.gradient_size}"
    for count in threads:
        torch.set_num_threads(count)
        ours = convkit.get((gradient_name, count), {}).get("median_ms")
        table.append((gradient_name, count, "PyTorch conv2d forward + backward", median_ms(gradient_step(options.gradient_size), options.runs), ours, None))

    if not options.no_png:
        png = options.png or os.path.join(tempfile.gettempdir(), f"convkit-bench-{size}.png")
        for (workload, peer), (ms, peak) in end_to_end(png, options.slow_runs).items():
            ours = convkit.get((workload, 0), {})
            table.append((workload, 0, peer, ms, ours.get("median_ms"), (ours.get("peak_rss_mb"), peak)))

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, OpenCV {cv2.__version__}, "
          f"PyTorch {torch.__version__}, Python {platform.python_version()}")
    print()
    print("| workload | threads | peer | peer ms | ConvKit ms | ConvKit / peer | peak MB ConvKit / peer |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
    for workload, count, peer, ms, ours, peaks in table:
        ratio = f"{ours / ms:.2f}" if ours else "n/a"
        ours_text = f"{ours:.1f}" if ours else "n/a"
        peak_text = ""
        if peaks:
            peak_text = f"{peaks[0]:.0f} / {peaks[1]:.0f}" if peaks[0] else f"n/a / {peaks[1]:.0f}"
        print(f"| {workload} | {count or 'all'} | {peer} | {ms:.1f} | {ours_text} | {ratio} | {peak_text} |")


if __name__ == "__main__":
    main()
