// Invented player names (no real player is portrayed); player_lookup is the name's lowercase letters.

const FIRST = `Aaron Adrian Alec Andre Anthony Bam Ben Bennett Bobby Brandon Brook Bruce Cade Caleb Cam
Cameron Chet Chris Christian Cole Collin Corey Dalen Damian Daniel Dante Darius David Dean De'Andre
Dejon Derrick Devin Dillon Donovan Dorian Duncan Dwight Dylan Eric Evan Franz Gary Gordon Grant
Hakeem Harrison Herbert Isaac Isaiah Jabari Jaden Jalen Jamal Jarrett Javon Jaylen Jeremy Jerome
Jonas Jordan Josh Josiah Julius Justin Kawhi Keegan Keldon Kelly Kendrick Kevin Keyonte Kyle Lamar
LaMelo Lonnie Luka Malik Marcus Mason Max Mikal Miles Myles Naji Nate Nikola Norman Obi Onyeka
Paolo Pascal Quentin Reggie Rudy Scottie Shai Spencer Stephon Terance Terry Theo Tobias Trae Tre
Trey Tyler Tyrese Victor Walker Wendell Xavier Zach Zion`.split(/\s+/);

const LAST = `Adams Alexander Allen Anderson Armstrong Bailey Baker Banks Barnes Bates Bell Bennett Black
Bradley Brooks Brown Bryant Butler Caldwell Campbell Carter Chambers Clark Coleman Collins Cook
Cooper Craig Crawford Cunningham Daniels Davis Dawson Dixon Douglas Dunn Edwards Ellis Evans
Ferguson Fisher Fleming Ford Foster Fox Freeman Garland Gibson Gilbert Gordon Graham Grant Gray
Green Griffin Hall Hamilton Harper Harris Hart Hayes Henderson Hill Holiday Holmes Howard Hudson
Hunter Jackson James Jenkins Johnson Jones Jordan Keller Kennedy King Knight Lawson Lewis Lowry
Marshall Martin Mason Matthews McCoy McDaniels Miles Miller Mitchell Moore Morgan Morris Murray
Nelson Newton Oliver Owens Palmer Parker Patterson Payne Perry Peters Porter Powell Price Reed
Reid Richards Riley Robinson Rogers Ross Russell Sanders Scott Shaw Simmons Simpson Smart Spencer
Stevens Stewart Sullivan Taylor Thomas Thompson Tucker Turner Walker Wallace Ward Warren Washington
Watson Wells West White Wiggins Williams Wilson Wood Wright Young`.split(/\s+/);

/** `Trae O'Neal Jr.` → `traeonealjr` */
export function playerLookup(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, '');
}

/** A name whose lookup is not in `taken` (adds it). */
export function inventName(rng: {pick<T>(items: readonly T[]): T; chance(p: number): boolean}, taken: Set<string>): string {
  for (;;) {
    const base = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
    const name = rng.chance(0.04) ? `${base} Jr.` : base;
    const lookup = playerLookup(name);
    if (!taken.has(lookup)) {
      taken.add(lookup);
      return name;
    }
  }
}
