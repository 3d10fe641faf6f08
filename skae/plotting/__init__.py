"""Pictures of autoencoders, as scikit-learn-style Display objects.

Each display is made with ``from_estimator`` (or from arrays with its
constructor), draws with ``plot(ax=None)`` and keeps ``figure_`` and ``ax_``,
like :class:`sklearn.metrics.ConfusionMatrixDisplay`. matplotlib is imported
in this subpackage only, so the rest of skae does not need it.

* :class:`ReconstructionDisplay`: originals over reconstructions;
* :class:`DenoisingDisplay`: noisy, denoised and original images;
* :class:`LossCurveDisplay`: training and validation loss per epoch;
* :class:`LatentSpaceDisplay`: the codes in 2-D, coloured by label;
* :class:`OutlierDisplay`: why a detector flagged rows, feature by feature;
* :class:`SampleGridDisplay`: a grid of images a generative model draws;
* :class:`LatentManifoldDisplay`: the images decoded over a grid of a 2-D
  latent space.

Each is defined in a private module of this subpackage, as scikit-learn's
are in ``sklearn/metrics/_plot/``, and imported from here.
"""

from ._generative import LatentManifoldDisplay, SampleGridDisplay
from ._latent import LatentSpaceDisplay
from ._loss_curve import LossCurveDisplay
from ._outlier import OutlierDisplay
from ._reconstruction import DenoisingDisplay, ReconstructionDisplay

__all__ = [
    "DenoisingDisplay", "LatentManifoldDisplay", "LatentSpaceDisplay", "LossCurveDisplay", "OutlierDisplay",
    "ReconstructionDisplay", "SampleGridDisplay",
]

# Documented, doctested and pickled as skae.plotting's, wherever they are defined.
for _display in (DenoisingDisplay, LatentManifoldDisplay, LatentSpaceDisplay, LossCurveDisplay, OutlierDisplay,
                 ReconstructionDisplay, SampleGridDisplay):
    _display.__module__ = __name__
del _display
