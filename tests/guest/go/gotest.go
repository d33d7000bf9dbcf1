// SPDX-License-Identifier: MIT
// gotest: a static Go program using timers, files, os/exec, goroutines and channels; its output is deterministic.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("slept at least 20ms:", time.Since(start) >= 20*time.Millisecond)

	if err := os.WriteFile("go.txt", []byte("hello from go\n"), 0644); err != nil {
		fmt.Println("write:", err)
		os.Exit(1)
	}
	b, err := os.ReadFile("go.txt")
	fmt.Printf("read %q %v\n", b, err)
	f, err := os.Open("words.txt")
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	buf := make([]byte, 6)
	n, err := f.Read(buf)
	fmt.Printf("words.txt starts %q %d %v\n", buf[:n], n, err)
	f.Close()
	_, err = os.ReadFile("no-such-file")
	fmt.Println("missing file:", err)

	out, err := exec.Command("echo", "child", "says", "hi").Output()
	fmt.Printf("exec: %q %v\n", out, err)
	err = exec.Command("false").Run()
	fmt.Println("exec false:", err)
	cmd := exec.Command("cat")
	cmd.Stdin = strings.NewReader("piped through cat\n")
	out, err = cmd.CombinedOutput()
	fmt.Printf("exec cat: %q %v\n", out, err)
	err = exec.Command("no-such-command").Run()
	fmt.Println("exec missing:", err)

	// Goroutines, channels, timers.
	var wg sync.WaitGroup
	results := make(chan int, 1000)
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			time.Sleep(time.Duration(i%7) * time.Millisecond)
			results <- i * i
		}(i)
	}
	wg.Wait()
	close(results)
	sum := 0
	for r := range results {
		sum += r
	}
	fmt.Println("1000 goroutines, sum of squares:", sum)

	timer := time.NewTimer(10 * time.Millisecond)
	ticker := time.NewTicker(2 * time.Millisecond)
	ticks := 0
loop:
	for {
		select {
		case <-ticker.C:
			ticks++
		case <-timer.C:
			break loop
		}
	}
	ticker.Stop()
	fmt.Println("ticker ticked:", ticks > 0)
	select {
	case <-time.After(5 * time.Millisecond):
		fmt.Println("time.After fired")
	}

	var mu sync.Mutex
	words := []string{}
	var wg2 sync.WaitGroup
	for _, w := range []string{"delta", "alpha", "charlie", "bravo"} {
		wg2.Add(1)
		go func(w string) {
			defer wg2.Done()
			mu.Lock()
			words = append(words, w)
			mu.Unlock()
		}(w)
	}
	wg2.Wait()
	sort.Strings(words)
	fmt.Println("sorted:", strings.Join(words, " "))
	fmt.Println("GOMAXPROCS >= 1:", runtime.GOMAXPROCS(0) >= 1)
	os.Remove("go.txt")
	fmt.Println("done")
}
