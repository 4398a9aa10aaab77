"""Administrative divisions (行政区划): the tree every staff scope and case hangs on."""
