"""Guard models as judges and detectors: Qwen3Guard, Llama Guard 3/4, ShieldLM, JSON guards.

Providers who run a guard on their own GPUs behind an OpenAI-compatible endpoint (vLLM, SGLang,
llama.cpp, Ollama) point beian at it. Each family is prompted its own way
(:mod:`~beian.detect.guard.prompts`), answers in its own format
(:mod:`~beian.detect.guard.parse`), and its categories map to the profile's risk ids through
``mapping.yaml`` (:mod:`~beian.detect.guard.mapping`). :mod:`~beian.detect.guard.judge`
registers the ``guard`` judge, :mod:`~beian.detect.guard.detector` the ``guard`` detector.
See ``docs/guard-models.md``.
"""
