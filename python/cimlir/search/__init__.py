"""CIM-AQ-style mixed-precision search with cimlir as the hardware oracle.

Modules (one concern each): ``quant`` (fake quantization with the
compiler's conventions), ``data`` (digits / ImageFolder, models),
``oracle`` (the only module that calls cimlir), ``budget`` (HAQ's latency
budget), ``env`` (state and episode), ``agent`` (DDPG), ``qat``
(training), ``export`` (ONNX QDQ), ``loop`` (compile and run on the
simulator), ``cli`` (the ``cim-aq-search`` command). docs/search.md.
"""
