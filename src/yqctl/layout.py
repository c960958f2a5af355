"""Where things are in a case repository, and how to find the repository from a folder in it.

Only ``os``: the console launcher finds the repository with this before it imports anything else
(:mod:`yqctl.cli.launch`), and :meth:`yqctl.store.repo.Repo.find` finds it the same way.
"""

import os

CONFIG_FILE = "yq.yaml"  # marks the repository's top
ORG_FILE = "org.yaml"
CASES_DIR = "cases"
EVIDENCE_DIR = "evidence"
POLICIES_DIR = "policies"
TEMPLATES_DIR = "templates"  # the repository's own forms and reports, over the built-in ones
LOCAL_DIR = ".yqctl"  # this clone's own files (lock, cache, journal), never committed


def find_root(here: str) -> str | None:
    """``here`` (an absolute, resolved path) or its nearest parent holding a ``yq.yaml``."""
    while not os.path.isfile(os.path.join(here, CONFIG_FILE)):
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent
    return here
