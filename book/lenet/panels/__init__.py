"""The 5.5.4 explorer's panels, each a small widget of its own.

`architecture`: the network's controls, layer table and Gluon code, drawn by
JavaScript in the browser (an anywidget), so they answer in the static book
too; `training`: the training settings and a run with progress and curves;
`history`: the runs so far; `feature_maps`: what the last run's network does
to one test image, and its confusion matrix.  `lenet.explorer` puts them
together.
"""
