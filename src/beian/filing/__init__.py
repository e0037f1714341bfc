"""Filing (备案) and registration (登记): the provider's register and the public list as data.

- :mod:`beian.filing.register`: records, status machine, dated events, dossier by digest;
- :mod:`beian.filing.listimport`: import a transcribed CAC list (CSV/XLSX) row by row;
- :mod:`beian.filing.lookup`: is a model filed, under which number;
- :mod:`beian.filing.clocks`: working-day deadlines (data: ``data/*.yaml``);
- :mod:`beian.filing.evidence`: what the assessment takes from all this (6.a, display duty).
"""
