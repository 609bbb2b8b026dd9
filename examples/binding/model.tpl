# Reversible binding A + B <-> C in a well-mixed volume (examples/binding/binding.py).
# Rendered by Tuplet for run {{tuplet.dir}} (tuple {{tuplet.index}}).

define KON {{reaction.kon}}
define KOFF {{reaction.koff}}
define NA {{molecules.a}}
define NB {{molecules.b}}
define DT {{time.dt}}
define STEPS {{time.steps}}
define SEED {{random.seed}}

species A B C
molecules A NA
molecules B NB
reaction bind A + B -> C KON
reaction unbind C -> A + B KOFF
time_step DT
time_steps STEPS
random_seed SEED
output_every 10
end_file
