# SPDX-License-Identifier: MIT
# plot.gp: scripts/bench's scaling figure: create latency of pod #N with N-1 running, per toolstack.
# Called as: gnuplot -e "out='F.png'; xl='xl.dat'; xp='xenpod.dat'; title='...'" plot.gp
# Each .dat has lines "N MS"; a missing or empty file is left out of the plot.
set terminal png size 900,540 font ",10"
set output out
set title title
set xlabel "N (pods/domains already running = N-1)"
set ylabel "create latency of #N (ms)"
set key top left
set grid
set yrange [0:*]
have(f) = system("test -s '".f."' && echo 1 || echo 0") eq "1"
if (have(xl) && have(xp)) {
	plot xp using 1:2 with linespoints pt 7 ps 0.6 title "xenpod run -d (daemon + xenpod-kernel)", \
	     xl using 1:2 with linespoints pt 5 ps 0.6 title "xl create (idle PVH stub)"
} else {
	if (have(xp)) {
		plot xp using 1:2 with linespoints pt 7 ps 0.6 title "xenpod run -d (daemon + xenpod-kernel)"
	} else {
		plot xl using 1:2 with linespoints pt 5 ps 0.6 title "xl create (idle PVH stub)"
	}
}
