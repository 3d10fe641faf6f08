"""The README's two fresh-machine commands, and CI running the test one."""

from pathlib import Path

import keras

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands():
    section = ROOT.joinpath("README.md").read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```bash\n")[1:]
    return [block.split("\n```", 1)[0].strip() for block in blocks]


def test_readme_gives_exactly_two_commands():
    demo, tests = quick_start_commands()
    assert demo.endswith("skae demo")
    assert "pytest" in tests


def test_ci_runs_the_readmes_test_command():
    _, tests = quick_start_commands()
    ci_lines = [line.strip() for line in ROOT.joinpath(".ci", "run").read_text().splitlines()]
    assert tests in ci_lines


def test_ci_builds_the_readmes_documentation():
    section = ROOT.joinpath("README.md").read_text().split("## Documentation", 1)[1].split("\n## ", 1)[0]
    command = section.split("```bash\n")[1].split("\n```", 1)[0].strip()
    assert "sphinx -W" in command
    ci_lines = [line.strip() for line in ROOT.joinpath(".ci", "run").read_text().splitlines()]
    assert command in ci_lines


def python_blocks():
    return ROOT.joinpath("README.md").read_text().split("```python\n")[1:]


def test_the_first_example_runs_as_written_and_beats_pca_on_the_table():
    # The README's table example, exactly as printed; its comment's figures are this run's.
    namespace = {}
    exec(python_blocks()[0].split("\n```", 1)[0], namespace)
    ae_score = namespace["scorer"](namespace["ae"], namespace["X_test"])
    pca_score = namespace["scorer"](namespace["pca"], namespace["X_test"])
    assert ae_score > pca_score
    # The figures are TensorFlow's: each Keras backend draws its own initial weights from a seed.
    if keras.backend.backend() == "tensorflow":
        assert f"({ae_score:.1f}, {pca_score:.1f}) on TensorFlow" in python_blocks()[0]


def test_the_image_example_states_the_tutorials_models_in_full():
    block = python_blocks()[1]
    assert 'hidden_layer_sizes=(), activation="relu", code_activation="relu"' in block
    assert 'output_activation="sigmoid", epochs=10, batch_size=32' in block
    assert 'noise_factor=0.2,\n                           activation="relu", loss="mae"' in block
    # 3-D images reach the pipeline's estimators flattened (a scaler would refuse them).
    assert "make_pipeline(flatten," in block


def test_the_image_example_runs_as_written(monkeypatch):
    # The block as printed, on 256 random "images" instead of Fashion-MNIST and with a step budget
    # that keeps the defaults at their 10-epoch minimum, so it runs in seconds.
    import numpy as np

    import skae._defaults
    import skae.datasets

    def small_fashion_mnist(path=None, *, as_float=True, download=False):
        images = np.random.default_rng(0).random((320, 28, 28), dtype=np.float32)
        labels = np.arange(320) % 10
        return (images[:256], labels[:256]), (images[256:], labels[256:])

    monkeypatch.setattr(skae.datasets, "load_fashion_mnist", small_fashion_mnist)
    monkeypatch.setattr(skae._defaults, "STEP_BUDGET", 1)
    namespace = {}
    exec(python_blocks()[1].split("\n```", 1)[0], namespace)
    assert namespace["codes"].shape == (64, 64) and namespace["images"].shape == (64, 28, 28)
    assert namespace["cleaned"].shape == (64, 28, 28)
    assert namespace["pipeline"].predict(namespace["X_test"]).shape == (64,)
