"""Ray engine: the single-process stages on Ray Data, for corpora one machine cannot hold.

Public API:
    run_ray(inputs, *, store_url, out_parquet, settings, ray_address=None, num_workers=None,
            progress=True, stdin=None, options=None) -> RayRunResult
    RayOptions      actor pool sizes, batch sizes, object store memory (docs/ray.md)
    RayRunResult    what a run did; str() is a one-line summary

Importing this package does not import Ray; ``run_ray`` does (``pip install 'ray[data]'``).
"""

from newsfuse.scale.engine import RayOptions, RayRunResult, run_ray

__all__ = ["RayOptions", "RayRunResult", "run_ray"]
