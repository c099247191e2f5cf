# gnuplot script of scripts/bench: reads latency.dat and saturation.dat (written by
# tabulate.py) from the current directory and writes latency.png.
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
  set terminal pngcairo size 1400,560 font "DejaVu Sans,11"
} else {
  set terminal png size 1400,560
}
set output "latency.png"
set multiplot layout 1,2 title "yishiting vs bare relays, loopback, one shared 2-core VM (".label.")"

set title "Fan-out latency at 5 events/s (send -> receipt, median of runs)"
set ytics format "%g"
set logscale xy
set xlabel "audience connections (N)"
set ylabel "latency (ms)"
set grid xtics ytics mytics
set key top left
set xrange [70:15000]
plot "latency.dat" using 1:2 with linespoints lw 2 pt 7 lc rgb "#c0392b" title "yishiting p50", \
     ""            using 1:3 with linespoints lw 2 pt 7 dt 2 lc rgb "#c0392b" title "yishiting p99", \
     ""            using 1:4 with linespoints lw 2 pt 5 lc rgb "#2471a3" title "baseline-relay p50", \
     ""            using 1:5 with linespoints lw 2 pt 5 dt 2 lc rgb "#2471a3" title "baseline-relay p99", \
     ""            using 1:6 with linespoints lw 2 pt 9 lc rgb "#229954" title "Node ws p50", \
     ""            using 1:7 with linespoints lw 2 pt 9 dt 2 lc rgb "#229954" title "Node ws p99", \
     ""            using 1:8 with linespoints lw 2 pt 13 lc rgb "#d68910" title "baseline per-thread p50", \
     ""            using 1:9 with linespoints lw 2 pt 13 dt 2 lc rgb "#d68910" title "baseline per-thread p99", \
     ""            using 1:10 with linespoints lw 2 pt 11 lc rgb "#17202a" title "uWebSockets.js p50", \
     ""            using 1:11 with linespoints lw 2 pt 11 dt 2 lc rgb "#17202a" title "uWebSockets.js p99", \
     "latency_extra.dat" using 1:3 with points pt 6 ps 1.5 lc rgb "#c0392b" title "open: p50, p99 at 1 event/s", \
     ""            using 1:4 with points pt 6 ps 1.5 lc rgb "#c0392b" notitle, \
     ""            using 1:5 with points pt 4 ps 1.5 lc rgb "#2471a3" notitle, \
     ""            using 1:6 with points pt 4 ps 1.5 lc rgb "#2471a3" notitle, \
     ""            using 1:7 with points pt 8 ps 1.5 lc rgb "#229954" notitle, \
     ""            using 1:8 with points pt 8 ps 1.5 lc rgb "#229954" notitle

unset logscale
unset xrange
set title "Saturation fan-out, N=1000: deliveries per second (label: server CPU per delivery)"
set xlabel ""
set ylabel "deliveries/s"
stats "saturation.dat" using 2 nooutput
set yrange [0:STATS_max * 1.25]  # room for the labels above the bars
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.6
set key off
set grid noxtics ytics
set xtics rotate by -12
plot "saturation.dat" using 2:xtic(1) lc rgb "#7d3c98", \
     ""               using 0:2:(sprintf("%.0f/s\n%.1f µs CPU", $2, $3)) with labels offset 0,1.6 notitle
unset multiplot
