# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # City profile · 城市概况
#
# One city of the 46: its domain scores against all cities, its region and its cluster; its ranks with the rank interval; strengths and weaknesses; its GDP residual. Run by `python -m vitality profiles` (papermill parameters below); reads the master table `out_dir/cities.csv` written by `python -m vitality reproduce`.

# %% [markdown]
# Parameters (papermill):

# %% tags=["parameters"]
city = "武汉"            # Chinese or English name of one of the 46 cities
lang = "zh"              # "zh" or "en"
out_dir = "../output"    # folder holding cities.csv (python -m vitality reproduce)
data_dir = None          # None: the bundled data/ folder

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from vitality import style
from vitality.siis import labels, profiles

lang = style.setup(lang, quiet=True)
master = profiles.load_master(out_dir)
p = profiles.profile(master, city)
r = p.row
zh = lang == "zh"
display(Markdown(f"# {r['city_zh']} {r['city_en']}\n\n" + (
    f"{r['province_zh']} · {r['region_zh']} · 聚类第 {int(r['cluster_ward'])} 类（报告：{'—' if str(r['cluster_published']) == 'nan' else int(float(r['cluster_published']))}）"
    if zh else f"{r['province_en']} · {r['region_en']} · cluster {int(r['cluster_ward'])} (published: {'—' if str(r['cluster_published']) == 'nan' else int(float(r['cluster_published']))})")))

# %%
fig = profiles.profile_figure(p, master, lang=lang)
style.add_source_note(fig, labels.source_note(lang))
plt.show()

# %%
display(Markdown("## 领域得分" if zh else "## Domain scores"))
profiles.scores_table(p, lang=lang)

# %%
display(Markdown("## 排名" if zh else "## Ranks"))
profiles.ranks_table(p, lang=lang)

# %%
display(Markdown(("## 优势与短板\n\n" if zh else "## Strengths and weaknesses\n\n") + profiles.strengths_text(p, lang=lang)))
display(Markdown(("## GDP 残差\n\n" if zh else "## GDP residual\n\n") + profiles.residual_text(p, master, lang=lang)))
