"""Data sets and models for the search.

``digits``: scikit-learn's bundled 8x8 handwritten digits (1797 images,
``sklearn.datasets.load_digits``: no download), pixel values 0..16 scaled to
[0, 1], split once with a fixed seed into train / validation / test.
``--data DIR``: a torchvision ``ImageFolder`` with ``train/`` and ``val/``
sub-folders (ImageNet layout), for torchvision model names.
"""

import numpy as np
import torch
import torch.nn as nn


class Split:
    """Tensors of one data set: ``x_*`` float32 NCHW, ``y_*`` int64."""

    def __init__(self, x_train, y_train, x_val, y_val, x_test, y_test,
                 num_classes, image_shape):
        self.x_train, self.y_train = x_train, y_train
        self.x_val, self.y_val = x_val, y_val
        self.x_test, self.y_test = x_test, y_test
        self.num_classes = num_classes
        self.image_shape = image_shape  # (C, H, W)


def load_digits_split(seed=0, test_fraction=0.3, val_fraction=0.15):
    """The digits data as a :class:`Split` (stratified, deterministic)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0)[:, None, :, :]
    y = d.target.astype(np.int64)
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y)
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=val_fraction / (1 - test_fraction),
        random_state=seed, stratify=y_rest)
    t = torch.from_numpy
    return Split(t(x_train), t(y_train), t(x_val), t(y_val), t(x_test),
                 t(y_test), 10, (1, 8, 8))


def load_image_folder(root, image_size=224, limit=None, seed=0):
    """An ImageFolder tree ``root/train/<class>/*`` and ``root/val/<class>/*``
    loaded into memory (resize, center crop, ImageNet normalisation).
    ``limit`` caps the images per split (random subset, fixed seed): a
    search fine-tunes on a subset, as HAQ does."""
    import os
    import torchvision.transforms as T
    from torchvision.datasets import ImageFolder
    tf = T.Compose([T.Resize(image_size), T.CenterCrop(image_size),
                    T.ToTensor(),
                    T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])

    def load(sub):
        path = os.path.join(root, sub)
        if not os.path.isdir(path):
            raise FileNotFoundError(f"{path}: no such directory (an "
                                    f"ImageFolder needs train/ and val/)")
        ds = ImageFolder(path, transform=tf)
        idx = np.arange(len(ds))
        if limit and len(ds) > limit:
            idx = np.random.RandomState(seed).choice(len(ds), limit,
                                                     replace=False)
        xs, ys = zip(*(ds[int(i)] for i in idx))
        return torch.stack(xs), torch.tensor(ys, dtype=torch.int64), ds.classes

    x_tr, y_tr, classes = load("train")
    x_va, y_va, classes_va = load("val")
    if classes != classes_va:
        raise ValueError(f"{root}: train/ and val/ have different classes")
    # The validation folder serves as the search's validation set and as
    # the test set (ImageNet has no labelled test split).
    return Split(x_tr, y_tr, x_va, y_va, x_va, y_va, len(classes),
                 (3, image_size, image_size))


def digits_cnn(num_classes=10, image_shape=(1, 8, 8)):
    """Small CNN (3 convolutions, 2 dense layers); for 1x8x8 digits by
    default, any ``(C, H, W)`` with H, W divisible by 4."""
    c, h, w = image_shape
    return nn.Sequential(
        nn.Conv2d(c, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * (h // 4) * (w // 4), 64), nn.ReLU(),
        nn.Linear(64, num_classes))


def digits_mlp(num_classes=10, image_shape=(1, 8, 8)):
    """MLP for flattened images: (C*H*W)-128-64-classes."""
    c, h, w = image_shape
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(c * h * w, 128), nn.ReLU(),
        nn.Linear(128, 64), nn.ReLU(),
        nn.Linear(64, num_classes))


DIGITS_MODELS = {"digits-cnn": digits_cnn, "digits-mlp": digits_mlp}
TORCHVISION_MODELS = ("resnet18", "vgg16", "vit_b_32")


def build_model(name, num_classes, image_shape=(1, 8, 8)):
    """A fresh (randomly initialised) model by name."""
    if name in DIGITS_MODELS:
        return DIGITS_MODELS[name](num_classes, tuple(image_shape))
    if name in TORCHVISION_MODELS:
        import torchvision.models as tvm
        return getattr(tvm, name)(num_classes=num_classes)
    raise ValueError(f"unknown model '{name}' (known: "
                     f"{', '.join(list(DIGITS_MODELS) + list(TORCHVISION_MODELS))})")


def batches(x, y, batch_size, shuffle=False, generator=None):
    """Yield ``(x, y)`` mini-batches of in-memory tensors."""
    n = len(x)
    order = (torch.randperm(n, generator=generator) if shuffle
             else torch.arange(n))
    for i in range(0, n, batch_size):
        j = order[i:i + batch_size]
        yield x[j], y[j]
