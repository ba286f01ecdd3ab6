"""A progress bar over epochs (and over batches when an epoch is slow).

Drawn with tqdm (the optional extra ``progress``), imported only when a bar
is shown. The bar lives in the callback for one training run and is closed
at its end: nothing of it stays on the estimator.
"""

import os
import sys

from .callbacks import Callback

__all__ = ["ProgressBar", "interactive"]


def interactive():
    """Whether the output is watched: standard error is a terminal, or the
    code runs in a Jupyter kernel."""
    if "ipykernel" in sys.modules:
        return True
    try:
        return os.isatty(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        return False


def load_tqdm():
    """Return ``tqdm.auto.tqdm``, or raise ImportError naming the extra."""
    try:
        from tqdm.auto import tqdm
    except ImportError as error:
        raise ImportError(
            "The progress bar needs tqdm: pip install 'scikit-deep[progress]'"
        ) from error
    return tqdm


class ProgressBar(Callback):
    """Show the epochs as a progress bar, with the last losses and score.

    When an epoch takes longer than ``slow_epoch`` seconds, the next epochs
    also get a bar over their batches.

    Parameters
    ----------
    description : str, default="training"
        Label of the bar.
    slow_epoch : float, default=2.0
        Seconds above which an epoch is slow.
    file : file object, default=None
        Where to draw (tqdm's default, standard error, when None).
    """

    def __init__(self, description="training", slow_epoch=2.0, file=None):
        self.description = description
        self.slow_epoch = slow_epoch
        self.file = file

    def on_train_begin(self, trainer):
        tqdm = load_tqdm()
        self._tqdm = tqdm
        self._epochs = tqdm(
            total=trainer.max_epochs,
            desc=self.description,
            unit="epoch",
            file=self.file,
            leave=True,
        )
        self._batches = None
        self._show_batches = False

    def on_batch_end(self, trainer):
        if not self._show_batches:
            return
        if self._batches is None:
            self._batches = self._tqdm(
                total=trainer.n_batches, unit="batch", leave=False, file=self.file
            )
        self._batches.update(1)

    def on_epoch_end(self, trainer):
        record = trainer.state.history[-1]
        postfix = {"loss": "%.4g" % record["train_loss"]}
        if record["valid_score"] is not None:
            postfix["valid loss"] = "%.4g" % record["valid_loss"]
            postfix["valid score"] = "%.4g" % record["valid_score"]
        self._epochs.set_postfix(postfix, refresh=False)
        self._epochs.update(1)
        self._close_batches()
        self._show_batches = record["seconds"] > self.slow_epoch

    def on_train_end(self, trainer):
        self._close_batches()
        self._epochs.close()
        del self._epochs, self._tqdm

    def _close_batches(self):
        if getattr(self, "_batches", None) is not None:
            self._batches.close()
        self._batches = None
