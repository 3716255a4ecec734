#!/usr/bin/env bash
# Regenerates the small committed audio fixtures (test/fixtures/audio, test/fixtures/duet) with sox and ffmpeg from
# Debian: a sung-like tone (vibrato around A3 with a little noise) in every format the library
# imports, with tags, so import, metadata and decoding are tested on real encoder output.
# Nothing is downloaded. Run: npm run fixtures:audio  (needs: apt-get install sox ffmpeg)
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/audio"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# 2 s, 44.1 kHz stereo: a 220 Hz tone with 5 Hz vibrato, its octave, and quiet pink noise.
sox -R -n -r 44100 -c 2 -b 16 "$tmp/voice.wav" synth 2 sine 215-225 sine 430-450 pinknoise \
  vol 0.3 fade 0.05 2 0.1 remix 1,2v0.8 2,3v0.3
tag=(-metadata title="Fixture Aria" -metadata artist="Test Singer" -metadata album="Fixtures" -metadata genre="Opera")

ffmpeg -loglevel error -y -i "$tmp/voice.wav" "${tag[@]}" -c:a pcm_s16le aria.wav
ffmpeg -loglevel error -y -i "$tmp/voice.wav" "${tag[@]}" -c:a flac aria.flac
ffmpeg -loglevel error -y -i "$tmp/voice.wav" "${tag[@]}" -c:a libmp3lame -b:a 128k aria.mp3
ffmpeg -loglevel error -y -i "$tmp/voice.wav" "${tag[@]}" -c:a libvorbis -q:a 3 aria.ogg
ffmpeg -loglevel error -y -i "$tmp/voice.wav" "${tag[@]}" -c:a libopus -b:a 64k aria.opus
ffmpeg -loglevel error -y -i "$tmp/voice.wav" "${tag[@]}" -c:a aac -b:a 96k aria.m4a
# A second, different song (mono, 22.05 kHz, no tags) so lists hold more than one distinct track.
sox -R -n -r 22050 -c 1 -b 16 lullaby.wav synth 1.5 sine 330-300 vol 0.4 fade 0.05 1.5 0.2
ls -l

# A 10 s "duet" with two stems that sum to the mix, for the stem player: a sung-like melody
# (vocals) over a low chord with a pulse (accompaniment). Lossy-encoded to stay small.
sox -R -n -r 44100 -c 2 -b 16 "$tmp/vocals.wav" synth 10 sine 262-392 sine 523-784 vol 0.25 \
  tremolo 5 30 fade 0.2 10 0.5 remix 1v0.9,2v0.1 1v0.1,2v0.9
sox -R -n -r 44100 -c 2 -b 16 "$tmp/acc.wav" synth 10 sine 110 sine 165 vol 0.2 tremolo 2 60 fade 0.1 10 0.3
sox -R -m "$tmp/vocals.wav" "$tmp/acc.wav" "$tmp/mix.wav"
cd ../duet
ffmpeg -loglevel error -y -i "$tmp/mix.wav" -metadata title="Fixture Duet" -metadata artist="Two Voices" -c:a libmp3lame -b:a 128k duet.mp3
ffmpeg -loglevel error -y -i "$tmp/vocals.wav" -c:a libvorbis -q:a 2 duet.vocals.ogg
ffmpeg -loglevel error -y -i "$tmp/acc.wav" -c:a libvorbis -q:a 2 duet.accompaniment.ogg
ls -l
