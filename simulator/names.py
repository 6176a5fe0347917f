"""Word lists for people and streets."""

from __future__ import annotations

__all__ = [
    "CITY",
    "CROSS_STREET_NAMES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "POSTCODES",
    "STREET_BASES",
    "STREET_SUFFIXES",
    "street_names",
]

CITY = "Riverbend"

POSTCODES = {"north": "55126", "central": "55117", "south": "55119"}

FIRST_NAMES = tuple(
    """
    James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William
    Barbara Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Daniel Lisa
    Matthew Nancy Anthony Betty Mark Sandra Donald Margaret Steven Ashley Andrew
    Kimberly Paul Emily Joshua Donna Kenneth Michelle Kevin Carol Brian Amanda Timothy
    Melissa Ronald Deborah Jason Stephanie George Rebecca Edward Sharon Jeffrey Laura
    Ryan Cynthia Jacob Amy Nicholas Kathleen Gary Angela Eric Shirley Jonathan Brenda
    Stephen Emma Larry Anna Justin Pamela Scott Nicole Brandon Samantha Benjamin
    Katherine Samuel Christine Gregory Helen Alexander Debra Patrick Rachel Frank
    Carolyn Raymond Janet Jack Maria Dennis Olivia Jerry Heather Tyler Catherine Aaron
    Diane Jose Julie Adam Victoria Nathan Joyce Henry Lauren Zachary Kelly Douglas
    Christina Peter Ruth Kyle Joan Noah Virginia Ethan Judith Jeremy Evelyn Christian
    Hannah Walter Andrea Keith Megan Austin Cheryl Roger Jacqueline Terry Madison Sean
    Teresa Gerald Abigail Carl Sophia Dylan Martha Harold Sara Jordan Gloria Jesse
    Janice Bryan Kathryn Lawrence Ann Arthur Isabella Gabriel Judy Bruce Charlotte Logan
    Julia Billy Grace Joe Amber Alan Alice Juan Jean Elijah Denise Willie Frances Albert
    Danielle Wayne Marilyn Randy Natalie Mason Beverly Vincent Diana Liam Brittany Roy
    Theresa Bobby Kayla Caleb Alexis Bradley Doris Russell Lori Lucas Tiffany Ahmed Mai
    Hassan Fatima Ibrahim Amina Nguyen Linh Wei Mei Carlos Lucia Diego Sofia Luis Camila
    Raj Priya
""".split()
)

LAST_NAMES = tuple(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
    Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
    White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright
    Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell
    Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins
    Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper
    Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez
    Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel
    Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman
    Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson
    Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant
    Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens
    Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman
    Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva
    Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd
    Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson
    Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins
    Lindqvist Johansson Larson Swanson Hansen Berg Lund Nyberg Kowalski Nowak Schultz
    Becker Hoffman Vang Xiong Yang
""".split()
)

STREET_BASES = tuple(
    """
    Maple Oak Cedar Pine Elm Birch Willow Aspen Spruce Hickory Walnut Chestnut Linden
    Juniper Sycamore Magnolia Cottonwood Tamarack Basswood Ironwood Hawthorn Dogwood
    Alder Poplar Laurel Hemlock Larch Beech Holly Sumac Lilac Lake River Prairie Meadow
    Ridge Valley Hillcrest Bluff Summit Highland Lakeview Parkview Sunset Sunrise
    Orchard Harvest Mill Bridge Church School Depot Market Union Franklin Jefferson
    Madison Monroe Lincoln Grant Garfield Cleveland Harrison Jackson Hamilton Marshall
    Kellogg Larpenteur Roselawn Hoyt Nebraska Idaho Iowa Montana Dakota Wheelock
    Arlington Maryland Minnehaha Geranium Orange Cottage Ivy Hazel Clover Fern Heather
    Primrose Bluebell Goldenrod Fox Deer Eagle Heron Loon Wren Cardinal Oriole Finch
    Granite Quarry Stone Timber Forest Glen Brook Spring
""".split()
)

STREET_SUFFIXES = ("Avenue", "Street", "Drive", "Lane", "Road", "Court", "Boulevard", "Way")

CROSS_STREET_NAMES = tuple(
    f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')} Street"
    for n in range(1, 400)
)


def street_names(count: int) -> list[str]:
    """Distinct east-west street names, as many as asked for.

    Names combine a base (``Maple``) and a suffix (``Avenue``); the order is fixed, so
    street ``i`` always gets the same name.
    """
    bases = list(STREET_BASES)
    names: list[str] = []
    for round_no in range(len(STREET_SUFFIXES) * 4):
        suffix = STREET_SUFFIXES[round_no % len(STREET_SUFFIXES)]
        prefix = ("", "North ", "South ", "Old ")[round_no // len(STREET_SUFFIXES)]
        shift = (round_no * 7) % len(bases)
        for base in bases[shift:] + bases[:shift]:
            names.append(f"{prefix}{base} {suffix}")
            if len(names) == count:
                return names
    names.extend(f"County Road {i}" for i in range(1, count - len(names) + 1))
    return names
